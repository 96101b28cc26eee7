"""Invitations: created within what the inviter may grant, accepted once, by the invited
address only, before they expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.gateway.application.errors import IdentityError
from parley.gateway.application.services import IdentityServices

from .conftest import FakeClock, Join, SignUp


async def test_an_invited_user_joins_with_the_role(
    ids: IdentityServices, sign_up: SignUp, clock: FakeClock
) -> None:
    owner = await sign_up("ana")
    guest = await sign_up("bea")
    created = await ids.invitations.create(
        owner.user.id, owner.workspace.id, guest.user.email.upper(), "editor"
    )
    invitation = created.invitation
    assert created.token.startswith("inv_")
    assert invitation.id.startswith("ivt_")
    assert invitation.email == guest.user.email
    assert invitation.status == "pending"
    assert invitation.invited_by == owner.user.id
    assert invitation.expires_at - clock.now == timedelta(days=7)
    joined = await ids.invitations.accept(guest.user.id, created.token)
    assert (joined.workspace_id, joined.role) == (owner.workspace.id, "editor")
    assert joined.organization_id == owner.organization.id
    assert await ids.identity.role_in(guest.user.id, owner.workspace.id) == "editor"
    listed = await ids.invitations.list(owner.user.id, owner.workspace.id)
    assert [(i.id, i.status, i.accepted_by) for i in listed.items] == [
        (invitation.id, "accepted", guest.user.id)
    ]
    with pytest.raises(IdentityError) as used:
        await ids.invitations.accept(guest.user.id, created.token)
    assert used.value.code == "INVITATION_USED"


async def test_someone_else_cannot_accept_it(ids: IdentityServices, sign_up: SignUp) -> None:
    owner = await sign_up("cai")
    guest, intruder = await sign_up("dan"), await sign_up("eve")
    created = await ids.invitations.create(
        owner.user.id, owner.workspace.id, guest.user.email, "viewer"
    )
    with pytest.raises(IdentityError) as error:
        await ids.invitations.accept(intruder.user.id, created.token)
    assert error.value.code == "FORBIDDEN"
    assert await ids.identity.role_in(intruder.user.id, owner.workspace.id) is None
    await ids.invitations.accept(guest.user.id, created.token)  # still good for its addressee


async def test_an_expired_invitation_is_refused(
    ids: IdentityServices, sign_up: SignUp, clock: FakeClock
) -> None:
    owner = await sign_up("fay")
    guest = await sign_up("gus")
    created = await ids.invitations.create(
        owner.user.id, owner.workspace.id, guest.user.email, "viewer"
    )
    clock.advance(days=7)
    with pytest.raises(IdentityError) as error:
        await ids.invitations.accept(guest.user.id, created.token)
    assert error.value.code == "INVITATION_EXPIRED"
    listed = await ids.invitations.list(owner.user.id, owner.workspace.id)
    assert listed.items[0].status == "expired"


async def test_a_revoked_or_replaced_invitation_no_longer_works(
    ids: IdentityServices, sign_up: SignUp
) -> None:
    owner = await sign_up("hal")
    guest = await sign_up("ivy")
    ws = owner.workspace.id
    first = await ids.invitations.create(owner.user.id, ws, guest.user.email, "viewer")
    revoked = await ids.invitations.revoke(owner.user.id, ws, first.invitation.id)
    assert revoked.status == "revoked"
    assert (await ids.invitations.revoke(owner.user.id, ws, first.invitation.id)).status == (
        "revoked"
    )
    second = await ids.invitations.create(owner.user.id, ws, guest.user.email, "viewer")
    third = await ids.invitations.create(owner.user.id, ws, guest.user.email, "agent")
    for token in (first.token, second.token, "inv_nonexistent"):
        with pytest.raises(IdentityError) as error:
            await ids.invitations.accept(guest.user.id, token)
        assert error.value.code == "NOT_FOUND"
    joined = await ids.invitations.accept(guest.user.id, third.token)
    assert joined.role == "agent"
    with pytest.raises(IdentityError) as error:
        await ids.invitations.revoke(owner.user.id, ws, third.invitation.id)
    assert error.value.code == "INVITATION_USED"
    with pytest.raises(IdentityError) as error:
        await ids.invitations.revoke(owner.user.id, ws, "ivt_nonexistent")
    assert error.value.code == "NOT_FOUND"
    statuses = [i.status for i in (await ids.invitations.list(owner.user.id, ws)).items]
    assert statuses == ["revoked", "revoked", "accepted"]


async def test_members_are_not_invited_twice(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("jon")
    member = await join(owner, "kim", "viewer")
    with pytest.raises(IdentityError) as error:
        await ids.invitations.create(owner.user.id, owner.workspace.id, member.user.email, "agent")
    assert (error.value.code, error.value.field) == ("ALREADY_MEMBER", "email")


async def test_accepting_into_a_workspace_one_is_in_already_is_refused(
    ids: IdentityServices, sign_up: SignUp, engine: AsyncEngine, schema: str, clock: FakeClock
) -> None:
    owner = await sign_up("lou")
    guest = await sign_up("max")
    ws = owner.workspace.id
    created = await ids.invitations.create(owner.user.id, ws, guest.user.email, "viewer")
    # Not reachable through the use cases (inviting a member is refused, and a new invitation
    # replaces the pending one), so the membership is written behind their back.
    async with engine.begin() as conn:
        await conn.execute(
            text(
                f'INSERT INTO "{schema}".memberships (workspace_id, user_id, role, created_at)'
                " VALUES (:ws, :user, 'agent', :at)"
            ),
            {"ws": ws, "user": guest.user.id, "at": clock.now},
        )
    with pytest.raises(IdentityError) as error:
        await ids.invitations.accept(guest.user.id, created.token)
    assert error.value.code == "ALREADY_MEMBER"
    assert await ids.identity.role_in(guest.user.id, ws) == "agent"


async def test_only_admins_invite_and_never_above_their_own_role(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("ned")
    admin = await join(owner, "oli", "admin")
    editor = await join(owner, "pam", "editor")
    outsider = await sign_up("quinn")
    ws = owner.workspace.id
    with pytest.raises(IdentityError) as error:
        await ids.invitations.create(admin.user.id, ws, "new@example.com", "owner")
    assert (error.value.code, error.value.reason) == ("ROLE_NOT_GRANTABLE", "owner")
    assert (await ids.invitations.create(admin.user.id, ws, "new@example.com", "admin")).token
    with pytest.raises(IdentityError) as error:
        await ids.invitations.create(editor.user.id, ws, "new@example.com", "viewer")
    assert error.value.code == "FORBIDDEN"
    with pytest.raises(IdentityError) as error:
        await ids.invitations.create(outsider.user.id, ws, "new@example.com", "viewer")
    assert error.value.code == "NOT_FOUND"
    with pytest.raises(IdentityError) as error:
        await ids.invitations.create(owner.user.id, ws, "not an address", "viewer")
    assert (error.value.code, error.value.field) == ("INVALID_REQUEST", "email")
    # Viewers and up see the pending invitations; only admins revoke them.
    pending = await ids.invitations.list(editor.user.id, ws)
    (waiting,) = [i for i in pending.items if i.status == "pending"]
    assert waiting.email == "new@example.com"
    with pytest.raises(IdentityError) as error:
        await ids.invitations.revoke(editor.user.id, ws, waiting.id)
    assert error.value.code == "FORBIDDEN"


async def test_invitations_page_through_every_one_exactly_once(
    ids: IdentityServices, sign_up: SignUp, clock: FakeClock
) -> None:
    owner = await sign_up("rui")
    ws = owner.workspace.id
    sent = set()
    for i in range(9):
        created = await ids.invitations.create(owner.user.id, ws, f"guest{i}@example.com", "viewer")
        sent.add(created.invitation.id)
        if i % 2:
            clock.advance(microseconds=1)
    seen: list[str] = []
    cursor = None
    while True:
        page = await ids.invitations.list(owner.user.id, ws, cursor, limit=2)
        seen += [i.id for i in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == 9
    assert set(seen) == sent
