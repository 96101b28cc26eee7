"""API keys: never more than their creator holds, shown once, stored hashed, revocable, and
their last use recorded at most once a minute."""

from __future__ import annotations

from collections.abc import Awaitable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.gateway.application.errors import ErrorCode, IdentityError
from parley.gateway.application.services import IdentityServices
from parley.gateway.domain.tokens import hash_secret

from .conftest import FakeClock, Join, SignUp


async def _refused(call: Awaitable[object], code: ErrorCode) -> IdentityError:
    with pytest.raises(IdentityError) as error:
        await call
    assert error.value.code == code
    return error.value


async def test_a_key_acts_in_its_workspace_with_its_permissions(
    ids: IdentityServices, sign_up: SignUp, engine: AsyncEngine, schema: str
) -> None:
    owner = await sign_up("ana")
    created = await ids.api_keys.create(
        owner.user.id, owner.workspace.id, "CI", ["flows:read", "flows:write", "flows:read"]
    )
    key = created.api_key
    assert created.key.startswith(f"pk_{key.id}_")
    assert key.permissions == ("flows:read", "flows:write")
    assert (key.name, key.workspace_id, key.created_by) == ("CI", owner.workspace.id, owner.user.id)
    principal = await ids.identity.authenticate_api_key(created.key)
    assert principal.key_id == key.id
    assert principal.workspace_id == owner.workspace.id
    assert principal.permissions == {"flows:read", "flows:write"}
    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                text(f'SELECT key_hash FROM "{schema}".api_keys WHERE id = :id'), {"id": key.id}
            )
        ).scalar_one()
    assert stored == hash_secret(created.key)
    assert created.key not in stored


async def test_a_key_cannot_exceed_its_creators_permissions(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("bea")
    admin = await join(owner, "cai", "admin")
    ws = owner.workspace.id
    error = await _refused(
        ids.api_keys.create(admin.user.id, ws, "too much", ["flows:read", "workspace:admin"]),
        "ROLE_NOT_GRANTABLE",
    )
    assert (error.field, error.reason) == ("permissions", "workspace:admin")
    assert "workspace:admin" in error.message
    # The owner holds it.
    created = await ids.api_keys.create(owner.user.id, ws, "all", ["workspace:admin"])
    assert created.api_key.permissions == ("workspace:admin",)


async def test_bad_key_requests_are_refused(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("dan")
    editor = await join(owner, "eve", "editor")
    outsider = await sign_up("fay")
    ws = owner.workspace.id
    unknown = await _refused(
        ids.api_keys.create(owner.user.id, ws, "k", ["flows:fly"]), "INVALID_REQUEST"
    )
    assert (unknown.field, unknown.reason) == ("permissions", "flows:fly")
    await _refused(ids.api_keys.create(owner.user.id, ws, "k", []), "INVALID_REQUEST")
    await _refused(ids.api_keys.create(owner.user.id, ws, " ", ["flows:read"]), "INVALID_REQUEST")
    await _refused(ids.api_keys.create(editor.user.id, ws, "k", ["flows:read"]), "FORBIDDEN")
    await _refused(ids.api_keys.list(editor.user.id, ws), "FORBIDDEN")
    await _refused(ids.api_keys.create(outsider.user.id, ws, "k", ["flows:read"]), "NOT_FOUND")


async def test_listing_never_shows_the_secret_and_pages_every_key_exactly_once(
    ids: IdentityServices, sign_up: SignUp, clock: FakeClock
) -> None:
    owner = await sign_up("gus")
    ws = owner.workspace.id
    made = {}
    for i in range(7):
        created = await ids.api_keys.create(owner.user.id, ws, f"key {i}", ["flows:read"])
        made[created.api_key.id] = created.key
        if i == 3:
            clock.advance(seconds=1)
    seen: list[str] = []
    cursor = None
    while True:
        page = await ids.api_keys.list(owner.user.id, ws, cursor, limit=3)
        for key in page.items:
            dumped = key.model_dump_json()
            assert made[key.id] not in dumped
            assert "hash" not in dumped
        seen += [k.id for k in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == sorted(made)


async def test_a_revoked_key_is_refused(ids: IdentityServices, sign_up: SignUp) -> None:
    owner = await sign_up("hal")
    ws = owner.workspace.id
    created = await ids.api_keys.create(owner.user.id, ws, "temp", ["flows:read"])
    revoked = await ids.api_keys.revoke(owner.user.id, ws, created.api_key.id)
    assert revoked.revoked_at is not None
    error = await _refused(ids.identity.authenticate_api_key(created.key), "TOKEN_REJECTED")
    assert error.reason == "revoked"
    assert (await ids.api_keys.list(owner.user.id, ws)).items == ()
    listed = await ids.api_keys.list(owner.user.id, ws, include_revoked=True)
    assert [k.id for k in listed.items] == [created.api_key.id]
    await _refused(ids.api_keys.revoke(owner.user.id, ws, "nonexistent0"), "NOT_FOUND")
    # Another workspace's owner cannot revoke it, nor learn that it exists.
    other = await sign_up("ivy")
    await _refused(ids.api_keys.revoke(other.user.id, ws, created.api_key.id), "NOT_FOUND")
    await _refused(
        ids.api_keys.revoke(other.user.id, other.workspace.id, created.api_key.id), "NOT_FOUND"
    )


async def test_wrong_and_malformed_keys_are_refused(ids: IdentityServices, sign_up: SignUp) -> None:
    owner = await sign_up("jon")
    created = await ids.api_keys.create(owner.user.id, owner.workspace.id, "k", ["flows:read"])
    secret = created.key.rsplit("_", 1)[1]
    tampered = created.key[: -len(secret)] + ("A" if secret[0] != "A" else "B") + secret[1:]
    for key, reason in [
        (tampered, "unknown"),
        ("pk_abcdefabcdef_" + "x" * 32, "unknown"),
        ("pk_nope", "malformed"),
        ("Bearer " + created.key, "malformed"),
    ]:
        error = await _refused(ids.identity.authenticate_api_key(key), "TOKEN_REJECTED")
        assert error.reason == reason


async def test_last_use_is_written_at_most_once_a_minute(
    ids: IdentityServices, sign_up: SignUp, clock: FakeClock
) -> None:
    owner = await sign_up("kim")
    ws = owner.workspace.id
    created = await ids.api_keys.create(owner.user.id, ws, "busy", ["flows:read"])

    async def last_used() -> object:
        (key,) = (await ids.api_keys.list(owner.user.id, ws)).items
        return key.last_used_at

    assert await last_used() is None
    first_use = clock.now
    await ids.identity.authenticate_api_key(created.key)
    assert await last_used() == first_use
    clock.advance(seconds=59)
    await ids.identity.authenticate_api_key(created.key)
    assert await last_used() == first_use
    clock.advance(seconds=1)
    await ids.identity.authenticate_api_key(created.key)
    assert await last_used() == clock.now


async def test_a_key_shrinks_with_its_creator_and_stops_when_they_leave(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("lou")
    admin = await join(owner, "max", "admin")
    ws = owner.workspace.id
    created = await ids.api_keys.create(
        admin.user.id, ws, "admin's", ["flows:write", "members:write", "contacts:read"]
    )
    await ids.members.change_role(owner.user.id, ws, admin.user.id, "editor")
    principal = await ids.identity.authenticate_api_key(created.key)
    assert principal.permissions == {"flows:write", "contacts:read"}
    await ids.members.remove(owner.user.id, ws, admin.user.id)
    error = await _refused(ids.identity.authenticate_api_key(created.key), "TOKEN_REJECTED")
    assert error.reason == "revoked"
