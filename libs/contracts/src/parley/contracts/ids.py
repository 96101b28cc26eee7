"""Identifiers. UUIDv7 sorts by creation time, which keeps logs and indexes in order."""

from __future__ import annotations

from uuid import UUID, uuid5

from uuid6 import uuid7


def new_id() -> UUID:
    return uuid7()


# Fixed forever: contact ids derived from it are stored everywhere.
_CONTACTS = UUID("6f1d1b6e-5a0c-4c53-9a87-0e2b8c4a7d10")


def contact_id_for(workspace_id: str, whatsapp_id: str) -> str:
    """The contact id of a WhatsApp user in a workspace: the same in every service and on every
    replay, so messaging, crm and the flow engine agree without asking each other."""
    return "c-" + uuid5(_CONTACTS, f"{workspace_id}:{whatsapp_id}").hex
