"""Pure rules of the identity layer: roles, passwords, tokens, e-mails, cursors."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from argon2 import PasswordHasher

from parley.gateway.domain.emails import email_problem, normalize_email
from parley.gateway.domain.pages import BadCursor, decode_cursor, encode_cursor
from parley.gateway.domain.passwords import Passwords, password_problem
from parley.gateway.domain.roles import (
    ALL_PERMISSIONS,
    PERMISSIONS,
    ROLES,
    can,
    can_grant,
    is_role,
    permissions_of,
)
from parley.gateway.domain.tokens import (
    TokenRejected,
    api_key_id,
    decode_access,
    hash_secret,
    issue_access,
    new_api_key,
    new_invitation_token,
    new_refresh_token,
)

KEY = "unit-test-secret-key-of-enough-length-0123"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

VIEWER = {
    "workspace:read",
    "flows:read",
    "executions:read",
    "channels:read",
    "members:read",
    "contacts:read",
    "campaigns:read",
    "analytics:read",
    "billing:read",
    "knowledge:read",
    "leads:read",
}


# -- roles --------------------------------------------------------------------------------------


def test_the_permission_table_is_exactly_the_specified_one() -> None:
    agent = VIEWER | {"executions:operate", "sandbox:use", "contacts:write"}
    # Editors build: flows, segments, fields, imports and exports, campaigns up to the launch.
    editor = agent | {
        "flows:write",
        "contacts:import",
        "contacts:export",
        "segments:write",
        "fields:write",
        "campaigns:write",
        "knowledge:manage",
        "leads:manage",
    }
    # Admins start what reaches customers and forget what must be forgotten.
    admin = editor | {
        "channels:write",
        "members:write",
        "api_keys:read",
        "api_keys:write",
        "contacts:erase",
        "consent:write",
        "campaigns:launch",
    }
    # Owners pay: checkout, the billing portal and the invoices.
    owner = admin | {"workspace:admin", "billing:manage"}
    assert dict(PERMISSIONS) == {
        "viewer": VIEWER,
        "agent": agent,
        "editor": editor,
        "admin": admin,
        "owner": owner,
    }
    assert owner == ALL_PERMISSIONS
    assert all(p.count(":") == 1 for p in ALL_PERMISSIONS)


def test_the_table_cannot_be_changed() -> None:
    with pytest.raises(TypeError):
        PERMISSIONS["viewer"] = frozenset()  # type: ignore[index]
    assert isinstance(permissions_of("viewer"), frozenset)


def test_each_role_holds_everything_below_it() -> None:
    for lower, higher in itertools.pairwise(ROLES):
        assert permissions_of(lower) < permissions_of(higher)


def test_can() -> None:
    assert can("viewer", "flows:read")
    assert not can("viewer", "flows:write")
    assert can("editor", "flows:write")
    assert not can("admin", "workspace:admin")
    assert can("owner", "workspace:admin")
    assert not can("owner", "no:such")


def test_nobody_grants_above_their_own_role() -> None:
    assert can_grant("owner", "owner")
    assert can_grant("admin", "admin")
    assert can_grant("admin", "viewer")
    assert not can_grant("admin", "owner")
    assert not can_grant("editor", "admin")
    assert not can_grant("viewer", "agent")
    assert [r for r in ROLES if can_grant(r, "owner")] == ["owner"]


def test_is_role() -> None:
    assert is_role("agent")
    assert not is_role("superuser")


# -- passwords ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("short1!", "at least 8"),
        ("x" * 129, "at most 128"),
        ("aaaaaaaaaa", "single character"),
        ("Ana@Example.com", "e-mail"),
    ],
)
def test_weak_passwords_say_which_rule(password: str, rule: str) -> None:
    problem = password_problem(password, "ana@example.com")
    assert problem is not None
    assert rule in problem


def test_acceptable_passwords() -> None:
    assert password_problem("12345678", "ana@example.com") is None
    assert password_problem("p" * 127 + "q", "ana@example.com") is None


def test_hash_verify_and_rehash() -> None:
    passwords = Passwords(CHEAP)
    hashed = passwords.hash("s3cret-enough")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify(hashed, "s3cret-enough")
    assert not passwords.verify(hashed, "s3cret-enougH")
    assert not passwords.verify("not a hash", "s3cret-enough")
    assert not passwords.needs_rehash(hashed)
    # Production parameters are stronger: a cheap hash is upgraded at the next login.
    assert Passwords(PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)).needs_rehash(
        hashed
    )
    passwords.burn("anything")  # only costs time


# -- access tokens ------------------------------------------------------------------------------


def test_an_access_token_carries_its_claims() -> None:
    token = issue_access("usr_1", "ses_1", NOW, timedelta(minutes=15), KEY)
    claims = decode_access(token, KEY, NOW + timedelta(minutes=14))
    assert (claims.user_id, claims.session_id) == ("usr_1", "ses_1")
    assert claims.issued_at == NOW
    assert claims.expires_at == NOW + timedelta(minutes=15)
    raw = jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_exp": False})
    assert raw["typ"] == "access"
    assert raw["iss"] == "parley"
    assert (
        raw["jti"]
        != decode_access(
            issue_access("usr_1", "ses_1", NOW, timedelta(minutes=15), KEY), KEY, NOW
        ).token_id
    )


def test_an_expired_access_token_is_rejected() -> None:
    token = issue_access("usr_1", "ses_1", NOW, timedelta(minutes=15), KEY)
    with pytest.raises(TokenRejected) as rejected:
        decode_access(token, KEY, NOW + timedelta(minutes=15))
    assert rejected.value.reason == "expired"


def test_a_token_signed_with_another_key_is_rejected() -> None:
    token = issue_access("usr_1", "ses_1", NOW, timedelta(minutes=15), KEY + "-other")
    with pytest.raises(TokenRejected) as rejected:
        decode_access(token, KEY, NOW)
    assert rejected.value.reason == "bad_signature"


def _claims(**changes: object) -> dict[str, object]:
    claims: dict[str, object] = {
        "sub": "usr_1",
        "sid": "ses_1",
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 900,
        "jti": "j",
        "typ": "access",
        "iss": "parley",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("not.a.jwt", "malformed"),
        ("", "malformed"),
        (jwt.encode(_claims(typ="refresh"), KEY, algorithm="HS256"), "wrong_type"),
        (jwt.encode(_claims(sid=None), KEY, algorithm="HS256"), "malformed"),
        (jwt.encode(_claims(iss="elsewhere"), KEY, algorithm="HS256"), "malformed"),
        (jwt.encode(_claims(sub=42), KEY, algorithm="HS256"), "malformed"),
        # "alg: none" and another algorithm are refused, never trusted.
        (jwt.encode(_claims(), "", algorithm="none"), "malformed"),
        (jwt.encode(_claims(), KEY * 2, algorithm="HS512"), "malformed"),
    ],
)
def test_malformed_and_wrong_type_tokens_are_rejected(token: str, reason: str) -> None:
    with pytest.raises(TokenRejected) as rejected:
        decode_access(token, KEY, NOW)
    assert rejected.value.reason == reason


# -- opaque secrets -----------------------------------------------------------------------------


def test_refresh_and_invitation_tokens_are_random_and_opaque() -> None:
    token = new_refresh_token()
    assert token.startswith("rt_")
    assert len(token) == 3 + 43
    assert token != new_refresh_token()
    assert new_invitation_token().startswith("inv_")
    assert hash_secret(token) == hash_secret(token)
    assert len(hash_secret(token)) == 64


def test_api_keys_split_into_id_and_secret() -> None:
    new = new_api_key()
    prefix, key_id, secret = new.key.split("_", 2)
    assert prefix == "pk"
    assert key_id == new.key_id
    assert len(key_id) == 12
    assert len(secret) == 32
    assert api_key_id(new.key) == new.key_id
    assert new.key_hash == hash_secret(new.key)
    for bad in ["pk_short_x", "rt_" + "a" * 43, new.key + "x", new.key.replace("pk_", "sk_")]:
        assert api_key_id(bad) is None


# -- e-mails and cursors ------------------------------------------------------------------------


def test_emails() -> None:
    assert normalize_email("  Ana@Example.COM ") == "ana@example.com"
    assert email_problem("ana@example.com") is None
    for bad in ["ana", "ana@", "@example.com", "ana@example", "a na@example.com", "a@b@c.d"]:
        assert email_problem(bad) is not None


def test_cursors_round_trip_and_refuse_anything_else() -> None:
    at = datetime(2026, 3, 1, 9, 0, 0, 123456, tzinfo=UTC)
    position = decode_cursor(encode_cursor(at, "usr_1"))
    assert (position.created_at, position.id) == (at, "usr_1")
    for bad in ["", "nope", "W10", encode_cursor(at, "x")[:-3] + "!!!"]:
        with pytest.raises(BadCursor):
            decode_cursor(bad)
