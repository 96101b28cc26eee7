"""Sessions: refresh rotation and reuse detection, logout, and access tokens refused when they
are expired, forged or belong to an ended session."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.gateway.application.errors import ErrorCode, IdentityError
from parley.gateway.application.identity import Identity
from parley.gateway.application.services import IdentityServices
from parley.gateway.domain.tokens import hash_secret, issue_access

from .conftest import CHEAP_HASHER, SECRET_KEY, FakeClock, SignUp


async def _refused(call: Awaitable[object], code: ErrorCode = "TOKEN_REJECTED") -> IdentityError:
    with pytest.raises(IdentityError) as error:
        await call
    assert error.value.code == code
    return error.value


async def test_a_refresh_rotates_the_refresh_token_within_the_session(
    ids: IdentityServices, sign_up: SignUp, clock: FakeClock, engine: AsyncEngine, schema: str
) -> None:
    user = await sign_up("ana")
    first = user.tokens
    clock.advance(minutes=5)
    second = await ids.identity.refresh(first.refresh_token)
    assert second.session_id == first.session_id
    assert second.refresh_token != first.refresh_token
    assert second.access_token != first.access_token
    assert second.refresh_expires_at == clock.now + timedelta(days=30)
    assert second.access_expires_at == clock.now + timedelta(minutes=15)
    principal = await ids.identity.authenticate_access(second.access_token)
    assert principal.session_id == first.session_id
    third = await ids.identity.refresh(second.refresh_token)
    assert third.session_id == first.session_id
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    f'SELECT token_hash, used_at, replaced_by FROM "{schema}".refresh_tokens'
                    " WHERE session_id = :s ORDER BY issued_at, used_at NULLS LAST"
                ),
                {"s": first.session_id},
            )
        ).all()
    # Only hashes are stored; each used token names its successor.
    chain = {r.token_hash: r.replaced_by for r in rows}
    assert chain == {
        hash_secret(first.refresh_token): hash_secret(second.refresh_token),
        hash_secret(second.refresh_token): hash_secret(third.refresh_token),
        hash_secret(third.refresh_token): None,
    }


async def test_reusing_a_refresh_token_ends_the_whole_session(
    ids: IdentityServices, sign_up: SignUp
) -> None:
    user = await sign_up("bea")
    stolen = user.tokens.refresh_token
    legit = await ids.identity.refresh(stolen)  # the rightful client rotates
    await _refused(ids.identity.refresh(stolen), "REFRESH_REUSED")  # the thief tries the old one
    # Both parties are out: the newest refresh token and every access token of the session.
    rejected = await _refused(ids.identity.refresh(legit.refresh_token))
    assert rejected.reason == "revoked"
    for token in (legit.access_token, user.tokens.access_token):
        rejected = await _refused(ids.identity.authenticate_access(token))
        assert rejected.reason == "revoked"
    # Other sessions of the same user are untouched.
    other = await ids.identity.login(user.user.email, "correct horse battery staple")
    assert (await ids.identity.authenticate_access(other.access_token)).user_id == user.user.id


async def test_an_expired_refresh_token_is_rejected(
    ids: IdentityServices, sign_up: SignUp, clock: FakeClock
) -> None:
    user = await sign_up("cai")
    clock.advance(days=30)
    rejected = await _refused(ids.identity.refresh(user.tokens.refresh_token))
    assert rejected.reason == "expired"


async def test_the_refresh_ttl_is_configurable(
    engine: AsyncEngine, schema: str, clock: FakeClock
) -> None:
    identity = Identity(
        engine,
        schema,
        SECRET_KEY,
        clock,
        access_ttl=timedelta(minutes=1),
        refresh_ttl=timedelta(hours=1),
        password_hasher=CHEAP_HASHER,
    )
    result = await identity.signup("ttl-" + schema + "@example.com", "long enough pw", "T")
    assert result.tokens.access_expires_at == clock.now + timedelta(minutes=1)
    clock.advance(minutes=1)
    assert (await _refused(identity.authenticate_access(result.tokens.access_token))).reason == (
        "expired"
    )
    clock.advance(minutes=59)
    assert (await _refused(identity.refresh(result.tokens.refresh_token))).reason == "expired"


@pytest.mark.parametrize(
    ("token", "reason"), [("rt_" + "A" * 43, "unknown"), ("garbage", "malformed")]
)
async def test_unknown_and_malformed_refresh_tokens_are_rejected(
    ids: IdentityServices, token: str, reason: str
) -> None:
    assert (await _refused(ids.identity.refresh(token))).reason == reason


async def test_logout_ends_the_session_and_its_tokens(
    ids: IdentityServices, sign_up: SignUp
) -> None:
    user = await sign_up("dan")
    await ids.identity.logout(user.tokens.session_id)
    assert (await _refused(ids.identity.authenticate_access(user.tokens.access_token))).reason == (
        "revoked"
    )
    assert (await _refused(ids.identity.refresh(user.tokens.refresh_token))).reason == "revoked"
    await ids.identity.logout(user.tokens.session_id)  # twice: harmless
    await _refused(ids.identity.logout("ses_nonexistent"), "NOT_FOUND")


async def test_an_expired_access_token_is_refused(
    ids: IdentityServices, sign_up: SignUp, clock: FakeClock
) -> None:
    user = await sign_up("eve")
    clock.advance(minutes=14, seconds=59)
    await ids.identity.authenticate_access(user.tokens.access_token)
    clock.advance(seconds=1)
    assert (await _refused(ids.identity.authenticate_access(user.tokens.access_token))).reason == (
        "expired"
    )


async def test_forged_access_tokens_are_refused(
    ids: IdentityServices, sign_up: SignUp, clock: FakeClock
) -> None:
    user = await sign_up("fay")
    forged = issue_access(
        user.user.id, user.tokens.session_id, clock.now, timedelta(minutes=15), SECRET_KEY + "x"
    )
    assert (await _refused(ids.identity.authenticate_access(forged))).reason == "bad_signature"
    # A signed token naming a session of someone else is refused too.
    other = await sign_up("gus")
    mixed = issue_access(
        other.user.id, user.tokens.session_id, clock.now, timedelta(minutes=15), SECRET_KEY
    )
    assert (await _refused(ids.identity.authenticate_access(mixed))).reason == "revoked"
    unsigned = jwt.encode({"sub": user.user.id}, "", algorithm="none")
    assert (await _refused(ids.identity.authenticate_access(unsigned))).reason == "malformed"
    refresh_as_access = user.tokens.refresh_token
    assert (await _refused(ids.identity.authenticate_access(refresh_as_access))).reason == (
        "malformed"
    )
