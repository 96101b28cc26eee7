"""Answers get-contact and export-contact-data, each scoped to the asking workspace.

A contact is read from the read model. The data export (a data-subject access request) adds
the consent history, from the contact's own log (the record of what they agreed to), and the
timeline rows the timeline projections wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from nats.aio.client import Client as NatsClient
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.crm.contacts import ContactView
from parley.contracts.crm.events import ContactOptedIn, ContactOptedOut
from parley.contracts.crm.queries import (
    ContactDataExport,
    ContactReply,
    ExportContactData,
    GetContact,
    TimelineItem,
)
from parley.contracts.subjects import InvalidSubjectToken
from parley.crm.adapters.aggregates import contact_subject
from parley.crm.adapters.contact_rows import contact_view, select_views
from parley.crm.adapters.contact_writer import contact_aggregates
from parley.crm.adapters.tables import contacts, in_schema, timeline
from parley.crm.domain.contact import view
from parley.runtime.eventstore import StoredEvent
from parley.runtime.queries import QueryRefused

MAX_EXPORTED_TIMELINE = 10_000


class ContactQueries:
    def __init__(self, nc: NatsClient, engine: AsyncEngine, schema: str) -> None:
        self._contacts = contact_aggregates(nc)
        self._engine = engine
        self._schema = schema

    async def get_contact(self, workspace_id: str, query: GetContact) -> ContactReply:
        found = await self._read(workspace_id, query.contact_id)
        if found is None:
            raise QueryRefused("CONTACT_NOT_FOUND", f"no contact {query.contact_id!r} here")
        return ContactReply(contact=found)

    async def export(self, workspace_id: str, query: ExportContactData) -> ContactDataExport:
        now = datetime.now(UTC)
        try:
            subject = contact_subject(workspace_id, query.contact_id)
        except InvalidSubjectToken:
            raise QueryRefused("CONTACT_NOT_FOUND", "not a contact id") from None
        events = await self._contacts.store.load(subject)
        found = await self._read(workspace_id, query.contact_id)
        if found is None:
            if not events:
                raise QueryRefused("CONTACT_NOT_FOUND", f"no contact {query.contact_id!r} here")
            state, _ = await self._contacts.load(subject)  # the read model lags a new contact
            found = view(state, now)
        history = tuple(item for e in events if (item := _consent_item(e)) is not None)
        return ContactDataExport(
            contact=found,
            consent_history=history,
            timeline=await self._timeline(workspace_id, query.contact_id),
            exported_at=now,
        )

    async def _read(self, workspace_id: str, contact_id: str) -> ContactView | None:
        statement = select_views().where(
            contacts.c.workspace_id == workspace_id, contacts.c.contact_id == contact_id
        )
        async with self._engine.connect() as conn:
            db = await in_schema(conn, self._schema)
            row = (await db.execute(statement)).mappings().first()
        return contact_view(row) if row is not None else None

    async def _timeline(self, workspace_id: str, contact_id: str) -> tuple[TimelineItem, ...]:
        statement = (
            sa.select(timeline)
            .where(timeline.c.workspace_id == workspace_id, timeline.c.contact_id == contact_id)
            .order_by(timeline.c.at, timeline.c.event_id)
            .limit(MAX_EXPORTED_TIMELINE)
        )
        async with self._engine.connect() as conn:
            db = await in_schema(conn, self._schema)
            rows = (await db.execute(statement)).mappings().all()
        return tuple(_timeline_item(row) for row in rows)


def _timeline_item(row: Any) -> TimelineItem:
    return TimelineItem(
        at=row["at"],
        kind=row["kind"],
        summary=row["summary"],
        detail=dict(row["detail"] or {}),
        source=row["source"],
        event_id=row["event_id"],
    )


def _consent_item(stored: StoredEvent) -> TimelineItem | None:
    message = stored.message
    common = {"source": message.wire_name, "event_id": str(stored.envelope.event_id)}
    if isinstance(message, ContactOptedIn):
        return TimelineItem(
            at=message.at,
            kind="opted_in",
            summary=f"Opted in ({message.source or 'unspecified'})",
            detail={
                "source": message.source,
                "wording": message.wording,
                "channel": message.channel,
            },
            **common,
        )
    if isinstance(message, ContactOptedOut):
        return TimelineItem(
            at=message.at,
            kind="opted_out",
            summary=f"Opted out ({message.source or 'unspecified'})",
            detail={"source": message.source, "channel": message.channel},
            **common,
        )
    return None
