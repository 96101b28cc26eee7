"""Subject builders: `<context>.<kind>.<workspace_id>.<id>` with kind `evt` or `cmd`.

Tokens are checked here, once, so a workspace or aggregate id can never inject a wildcard or an
extra level into a subject (which would let one tenant's filter match another's messages).
"""

from __future__ import annotations

import re
from typing import Literal

_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{1,128}$")

Kind = Literal["evt", "cmd"]


class InvalidSubjectToken(ValueError):
    def __init__(self, role: str, value: str) -> None:
        super().__init__(
            f"{role} {value!r} cannot be a subject token: use 1-128 letters, digits, '_' or '-'"
        )


def token(role: str, value: str) -> str:
    if not _TOKEN.match(value):
        raise InvalidSubjectToken(role, value)
    return value


def subject(context: str, kind: Kind, workspace_id: str, entity_id: str) -> str:
    return ".".join(
        (
            token("context", context),
            kind,
            token("workspace_id", workspace_id),
            token("id", entity_id),
        )
    )


def event_subject(context: str, workspace_id: str, aggregate_id: str) -> str:
    return subject(context, "evt", workspace_id, aggregate_id)


def command_subject(context: str, workspace_id: str, target_id: str) -> str:
    return subject(context, "cmd", workspace_id, target_id)


def snapshot_subject(event_subject_: str) -> str:
    """Snapshots of an aggregate live beside its events, on a `snap` subject of the same stream."""
    context, kind, workspace_id, aggregate_id = event_subject_.split(".")
    if kind != "evt":
        raise ValueError(f"{event_subject_!r} is not an event subject")
    return f"{context}.snap.{workspace_id}.{aggregate_id}"


def workspace_filter(context: str, kind: Kind, workspace_id: str) -> str:
    return f"{token('context', context)}.{kind}.{token('workspace_id', workspace_id)}.*"


def command_token(command_id: str) -> str:
    """The subject token of a deterministic command id (`exec-1:4` -> `exec-1_4`)."""
    return command_id.replace(":", "_")
