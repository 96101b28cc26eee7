"""Members of a workspace: listing in pages, role changes within what one may grant, removal,
and the last owner who always stays."""

from __future__ import annotations

import asyncio

import pytest

from parley.gateway.application.errors import IdentityError
from parley.gateway.application.services import IdentityServices

from .conftest import FakeClock, Join, SignUp


async def test_the_member_list_pages_through_every_member_exactly_once(
    ids: IdentityServices, sign_up: SignUp, join: Join, clock: FakeClock
) -> None:
    owner = await sign_up("ana")
    expected = {owner.user.id}
    for i in range(11):
        expected.add((await join(owner, f"m{i}", "viewer")).user.id)
        if i % 4 == 0:  # several members share one joining instant: the id breaks the tie
            clock.advance(seconds=1)
    seen = []
    cursor = None
    pages = 0
    while True:
        page = await ids.members.list(owner.user.id, owner.workspace.id, cursor, limit=4)
        pages += 1
        seen += [m.user_id for m in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(expected)
    assert len(seen) == 12
    assert pages == 3
    # A page exactly filling the limit says there is no next one.
    whole = await ids.members.list(owner.user.id, owner.workspace.id, limit=12)
    assert len(whole.items) == 12
    assert whole.next_cursor is None
    first = whole.items[0]
    assert (first.user_id, first.email, first.role) == (owner.user.id, owner.user.email, "owner")


async def test_only_members_list_members(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("bea")
    viewer = await join(owner, "cai", "viewer")
    outsider = await sign_up("dan")
    assert len((await ids.members.list(viewer.user.id, owner.workspace.id)).items) == 2
    with pytest.raises(IdentityError) as error:
        await ids.members.list(outsider.user.id, owner.workspace.id)
    assert error.value.code == "NOT_FOUND"


async def test_an_admin_changes_roles_up_to_admin(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("eve")
    admin = await join(owner, "fay", "admin")
    member = await join(owner, "gus", "viewer")
    changed = await ids.members.change_role(
        admin.user.id, owner.workspace.id, member.user.id, "admin"
    )
    assert changed.role == "admin"
    assert await ids.identity.role_in(member.user.id, owner.workspace.id) == "admin"
    with pytest.raises(IdentityError) as error:
        await ids.members.change_role(admin.user.id, owner.workspace.id, member.user.id, "owner")
    assert (error.value.code, error.value.field, error.value.reason) == (
        "ROLE_NOT_GRANTABLE",
        "role",
        "owner",
    )


async def test_an_admin_cannot_touch_an_owner_and_an_editor_cannot_change_roles(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("hal")
    admin = await join(owner, "ivy", "admin")
    editor = await join(owner, "jon", "editor")
    ws = owner.workspace.id
    for call in (
        ids.members.change_role(admin.user.id, ws, owner.user.id, "viewer"),
        ids.members.remove(admin.user.id, ws, owner.user.id),
        ids.members.change_role(editor.user.id, ws, admin.user.id, "viewer"),
        ids.members.remove(editor.user.id, ws, admin.user.id),
    ):
        with pytest.raises(IdentityError) as error:
            await call
        assert error.value.code == "FORBIDDEN"
    assert await ids.identity.role_in(owner.user.id, ws) == "owner"


async def test_the_last_owner_can_be_neither_demoted_nor_removed(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("kim")
    ws = owner.workspace.id
    for call in (
        ids.members.change_role(owner.user.id, ws, owner.user.id, "admin"),
        ids.members.remove(owner.user.id, ws, owner.user.id),
    ):
        with pytest.raises(IdentityError) as error:
            await call
        assert error.value.code == "LAST_OWNER"
    # With a second owner, the first may step down.
    second = await join(owner, "lou", "owner")
    demoted = await ids.members.change_role(owner.user.id, ws, owner.user.id, "admin")
    assert demoted.role == "admin"
    with pytest.raises(IdentityError) as error:
        await ids.members.remove(second.user.id, ws, second.user.id)
    assert error.value.code == "LAST_OWNER"


async def test_two_owners_demoting_each_other_at_once_leave_one_owner(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    first = await sign_up("max")
    second = await join(first, "ned", "owner")
    ws = first.workspace.id
    results = await asyncio.gather(
        ids.members.change_role(first.user.id, ws, second.user.id, "editor"),
        ids.members.change_role(second.user.id, ws, first.user.id, "editor"),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, IdentityError)]
    # The workspace row lock makes the second change wait for the first; by then its actor is
    # an editor (FORBIDDEN). Without the lock both would see two owners and leave none.
    assert len(refused) == 1
    assert refused[0].code in {"LAST_OWNER", "FORBIDDEN"}
    roles = {
        await ids.identity.role_in(first.user.id, ws),
        await ids.identity.role_in(second.user.id, ws),
    }
    assert roles == {"owner", "editor"}


async def test_anyone_may_leave_and_admins_remove_members(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("oli")
    viewer = await join(owner, "pam", "viewer")
    agent = await join(owner, "quinn", "agent")
    ws = owner.workspace.id
    await ids.members.remove(viewer.user.id, ws, viewer.user.id)
    assert await ids.identity.role_in(viewer.user.id, ws) is None
    await ids.members.remove(owner.user.id, ws, agent.user.id)
    assert await ids.identity.role_in(agent.user.id, ws) is None
    for call in (
        ids.members.remove(owner.user.id, ws, agent.user.id),
        ids.members.change_role(owner.user.id, ws, "usr_nobody", "viewer"),
        ids.members.remove(agent.user.id, ws, agent.user.id),  # no longer a member
    ):
        with pytest.raises(IdentityError) as error:
            await call
        assert error.value.code == "NOT_FOUND"


async def test_setting_the_same_role_changes_nothing(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("rui")
    member = await join(owner, "sam", "editor")
    same = await ids.members.change_role(
        owner.user.id, owner.workspace.id, member.user.id, "editor"
    )
    assert same.role == "editor"
