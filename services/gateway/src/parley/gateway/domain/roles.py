"""Workspace roles and what each may do.

Roles are ordered `owner > admin > editor > agent > viewer`; each holds every permission of the
roles below it plus its own. A permission is a `<resource>:<action>` string, so an API key can
carry a subset of them.

Contacts and campaigns: everyone reads them (`contacts:read` also covers segments, fields,
imports and consent keywords; `campaigns:read` the dry run, which changes nothing); agents edit
a contact as they talk to it; editors shape the CRM (imports, segments, fields) and prepare
campaigns, and take bulk data out (`contacts:export`: the CSV and a contact's data export);
admins do what is hard to undo or reaches customers at scale: erasing a contact's personal
data, the STOP keywords, and starting a campaign's sends (launch, schedule, resume). Pausing
or cancelling a campaign only stops sends, so an editor may. Everyone sees the dashboard
(`analytics:read`: figures of messages, executions and numbers) and the plan with its usage
and limits (`billing:read`); only owners buy, change or look at the bills (`billing:manage`:
checkout, the billing portal, invoices).

Knowledge bases and lead capture: everyone reads them and asks the knowledge a question
(`knowledge:read`, `leads:read`); those who build flows and shape the CRM add, replace and
remove documents and start or cancel lead-capture jobs (`knowledge:manage`, `leads:manage`:
editors and above), as they import contacts.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, TypeGuard, get_args

Role = Literal["owner", "admin", "editor", "agent", "viewer"]

# Lowest first: a role's rank is its index.
ROLES: tuple[Role, ...] = ("viewer", "agent", "editor", "admin", "owner")
_RANK: Mapping[Role, int] = MappingProxyType({role: rank for rank, role in enumerate(ROLES)})

_VIEWER = frozenset(
    {
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
)
_AGENT = _VIEWER | {"executions:operate", "sandbox:use", "contacts:write"}
_EDITOR = _AGENT | {
    "flows:write",
    "contacts:import",
    "contacts:export",
    "segments:write",
    "fields:write",
    "campaigns:write",
    "knowledge:manage",
    "leads:manage",
}
_ADMIN = _EDITOR | {
    "channels:write",
    "members:write",
    "api_keys:read",
    "api_keys:write",
    "contacts:erase",
    "consent:write",
    "campaigns:launch",
}
_OWNER = _ADMIN | {"workspace:admin", "billing:manage"}

PERMISSIONS: Mapping[Role, frozenset[str]] = MappingProxyType(
    {"viewer": _VIEWER, "agent": _AGENT, "editor": _EDITOR, "admin": _ADMIN, "owner": _OWNER}
)
ALL_PERMISSIONS: frozenset[str] = _OWNER


def is_role(value: str) -> TypeGuard[Role]:
    return value in get_args(Role)


def permissions_of(role: Role) -> frozenset[str]:
    return PERMISSIONS[role]


def can(role: Role, permission: str) -> bool:
    return permission in PERMISSIONS[role]


def at_least(role: Role, minimum: Role) -> bool:
    return _RANK[role] >= _RANK[minimum]


def can_grant(granter_role: Role, role: Role) -> bool:
    """Nobody grants a role above their own, so only owners grant owner."""
    return _RANK[role] <= _RANK[granter_role]
