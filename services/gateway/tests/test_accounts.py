"""Sign-up, log-in, what a user sees, and workspaces, against the real PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.gateway.application.errors import IdentityError
from parley.gateway.application.identity import Identity
from parley.gateway.application.services import IdentityServices

from .conftest import PASSWORD, SECRET_KEY, FakeClock, Join, SignUp

WORKSPACE_TOKEN = r"^[A-Za-z0-9_\-]{1,64}$"


async def test_signup_creates_the_user_an_organization_a_workspace_they_own_and_a_session(
    ids: IdentityServices, unique: Callable[[str], str]
) -> None:
    email = f"{unique('ana')}@Example.com"
    result = await ids.identity.signup(
        email, PASSWORD, "  Ana   Lima ", organization_name="Lima Co"
    )
    assert result.user.email == email.lower()
    assert result.user.name == "Ana Lima"
    assert result.user.id.startswith("usr_")
    assert result.organization.name == "Lima Co"
    assert result.workspace.name == "My workspace"
    assert result.workspace.organization_id == result.organization.id
    assert result.workspace.id.startswith("ws_")
    assert re.match(WORKSPACE_TOKEN, result.workspace.id)
    assert await ids.identity.role_in(result.user.id, result.workspace.id) == "owner"
    principal = await ids.identity.authenticate_access(result.tokens.access_token)
    assert principal.user_id == result.user.id
    assert principal.session_id == result.tokens.session_id


async def test_signup_names_default_and_can_be_given(sign_up: SignUp) -> None:
    result = await sign_up("bea")
    assert result.organization.name == "Bea"
    named = await sign_up("cai", workspace_name="Shop")
    assert named.workspace.name == "Shop"


async def test_an_email_signs_up_once_whatever_its_case(
    ids: IdentityServices, sign_up: SignUp
) -> None:
    first = await sign_up("dan")
    with pytest.raises(IdentityError) as error:
        await ids.identity.signup(first.user.email.upper(), PASSWORD, "Dan again")
    assert (error.value.code, error.value.field) == ("EMAIL_TAKEN", "email")


@pytest.mark.parametrize(
    ("password", "rule"),
    [("short", "at least 8"), ("zzzzzzzzzzzz", "single character"), ("x" * 129, "at most 128")],
)
async def test_a_weak_password_is_refused_with_its_rule(
    ids: IdentityServices, unique: Callable[[str], str], password: str, rule: str
) -> None:
    with pytest.raises(IdentityError) as error:
        await ids.identity.signup(f"{unique('eve')}@example.com", password, "Eve")
    assert (error.value.code, error.value.field) == ("WEAK_PASSWORD", "password")
    assert rule in error.value.message


async def test_the_password_may_not_be_the_email(
    ids: IdentityServices, unique: Callable[[str], str]
) -> None:
    email = f"{unique('fay')}@example.com"
    with pytest.raises(IdentityError) as error:
        await ids.identity.signup(email, email.upper(), "Fay")
    assert error.value.code == "WEAK_PASSWORD"


@pytest.mark.parametrize(
    ("email", "name", "field"),
    [("not-an-email", "Gus", "email"), ("gus@example.com", "   ", "name")],
)
async def test_bad_signup_input_names_its_field(
    ids: IdentityServices, email: str, name: str, field: str
) -> None:
    with pytest.raises(IdentityError) as error:
        await ids.identity.signup(email, PASSWORD, name)
    assert (error.value.code, error.value.field) == ("INVALID_REQUEST", field)


async def test_login_opens_a_new_session(ids: IdentityServices, sign_up: SignUp) -> None:
    user = await sign_up("hal")
    tokens = await ids.identity.login(user.user.email.title(), PASSWORD, user_agent="tests/1.0")
    assert tokens.session_id != user.tokens.session_id
    principal = await ids.identity.authenticate_access(tokens.access_token)
    assert principal.user_id == user.user.id


async def test_unknown_email_and_wrong_password_are_the_same_error(
    ids: IdentityServices, sign_up: SignUp
) -> None:
    user = await sign_up("ivy")
    with pytest.raises(IdentityError) as wrong:
        await ids.identity.login(user.user.email, PASSWORD + "!")
    with pytest.raises(IdentityError) as unknown:
        await ids.identity.login("nobody-" + user.user.email, PASSWORD)
    assert wrong.value.code == unknown.value.code == "INVALID_CREDENTIALS"
    assert wrong.value.message == unknown.value.message


async def test_a_login_upgrades_a_hash_made_with_weaker_parameters(
    engine: AsyncEngine, schema: str, clock: FakeClock, ids: IdentityServices, sign_up: SignUp
) -> None:
    user = await sign_up("jon")
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    identity = Identity(engine, schema, SECRET_KEY, clock, password_hasher=stronger)
    await identity.login(user.user.email, PASSWORD)
    async with engine.connect() as conn:
        stored = (
            await conn.execute(
                text(f'SELECT password_hash FROM "{schema}".users WHERE id = :id'),
                {"id": user.user.id},
            )
        ).scalar_one()
    assert not stronger.check_needs_rehash(stored)
    await identity.login(user.user.email, PASSWORD)  # still the same password


async def test_me_lists_every_workspace_with_its_organization_and_role(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("kim")
    member = await join(owner, "lou", "agent")
    me = await ids.identity.me(member.user.id)
    assert me.user == member.user
    seen = {(m.workspace_id, m.organization_id, m.role) for m in me.memberships}
    assert seen == {
        (member.workspace.id, member.organization.id, "owner"),
        (owner.workspace.id, owner.organization.id, "agent"),
    }
    assert {m.organization_name for m in me.memberships} == {"Kim", "Lou"}
    with pytest.raises(IdentityError) as error:
        await ids.identity.me("usr_nobody")
    assert error.value.code == "NOT_FOUND"


async def test_organizations_page_through_every_one_exactly_once(
    ids: IdentityServices, sign_up: SignUp, join: Join, clock: FakeClock
) -> None:
    user = await sign_up("max")
    # Seven more organizations where max is a member, some sharing one creation instant.
    for i in range(7):
        owner = await sign_up(f"org{i}")
        created = await ids.invitations.create(
            owner.user.id, owner.workspace.id, user.user.email, "viewer"
        )
        await ids.invitations.accept(user.user.id, created.token)
        if i % 3 == 0:
            clock.advance(seconds=1)
    seen: list[str] = []
    cursor = None
    while True:
        page = await ids.identity.organizations(user.user.id, cursor, limit=3)
        assert len(page.items) <= 3
        seen += [o.id for o in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 8
    assert user.organization.id in seen


async def test_bad_page_arguments_are_refused(ids: IdentityServices, sign_up: SignUp) -> None:
    user = await sign_up("ned")
    for kwargs, field in [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"cursor": "x"}, "cursor"),
    ]:
        with pytest.raises(IdentityError) as error:
            await ids.identity.organizations(user.user.id, **kwargs)  # type: ignore[arg-type]
        assert (error.value.code, error.value.field) == ("INVALID_REQUEST", field)


async def test_an_admin_of_the_organization_creates_a_workspace_and_owns_it(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("oli")
    admin = await join(owner, "pam", "admin")
    workspace = await ids.identity.create_workspace(admin.user.id, owner.organization.id, "Sales")
    assert workspace.organization_id == owner.organization.id
    assert workspace.name == "Sales"
    assert await ids.identity.role_in(admin.user.id, workspace.id) == "owner"
    assert await ids.identity.role_in(owner.user.id, workspace.id) is None


async def test_a_lesser_member_may_not_create_a_workspace_and_an_outsider_sees_nothing(
    ids: IdentityServices, sign_up: SignUp, join: Join
) -> None:
    owner = await sign_up("quinn")
    editor = await join(owner, "rui", "editor")
    outsider = await sign_up("sam")
    with pytest.raises(IdentityError) as forbidden:
        await ids.identity.create_workspace(editor.user.id, owner.organization.id, "Mine")
    assert forbidden.value.code == "FORBIDDEN"
    with pytest.raises(IdentityError) as hidden:
        await ids.identity.create_workspace(outsider.user.id, owner.organization.id, "Mine")
    assert hidden.value.code == "NOT_FOUND"


async def test_role_in_is_none_outside_the_workspace(
    ids: IdentityServices, sign_up: SignUp
) -> None:
    a, b = await sign_up("tom"), await sign_up("uma")
    assert await ids.identity.role_in(a.user.id, b.workspace.id) is None
    assert await ids.identity.role_in(a.user.id, "ws_nonexistent") is None
