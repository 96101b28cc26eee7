"""A contact's erasure, as the flow engine honours it.

Executions keep their shape (which flow, which nodes, when: a run stays replayable as a
structure), but every step of the contact's executions that happened at or before the erasure
loses its detail: the contact snapshot, their replies, the messages rendered for them, the
variables captured from them. `erased_contacts` remembers the erasure, so the execution read
model redacts those steps again whenever it is rebuilt (see `redact_erased`).
"""

from __future__ import annotations

from typing import Any

from nats.aio.msg import Msg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from parley.contracts.crm.events import ContactErased
from parley.contracts.envelope import Envelope
from parley.contracts.registry import registry
from parley.contracts.streams import CRM
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.commits import handled_envelopes

CONSUMER = ConsumerSpec(
    stream=CRM.name,
    durable="flow-engine-erasures",
    filter_subjects=("crm.evt.>",),
    lanes=4,
)

REDACTED = '{"redacted": true}'
_HANDLED = frozenset({ContactErased.wire_name})


class Erasures:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema

    async def handle(self, msg: Msg) -> None:
        for envelope in handled_envelopes(msg.headers, msg.data, _HANDLED):
            await self._erase(envelope)

    async def _erase(self, envelope: Envelope) -> None:
        event = registry.decode(envelope)
        assert isinstance(event, ContactErased)
        ws, schema = envelope.workspace_id, self._schema
        async with self._engine.begin() as conn:
            await conn.execute(
                text(
                    f'INSERT INTO "{schema}".erased_contacts (workspace_id, contact_id, erased_at)'
                    " VALUES (:ws, :contact, :at) ON CONFLICT (workspace_id, contact_id)"
                    " DO UPDATE SET erased_at = GREATEST(erased_contacts.erased_at, :at)"
                ),
                {"ws": ws, "contact": event.contact_id, "at": event.at},
            )
            await conn.execute(
                text(
                    f'UPDATE "{schema}".execution_steps s SET detail = CAST(:redacted AS jsonb)'
                    f' FROM "{schema}".executions e WHERE e.workspace_id = :ws'
                    " AND e.contact_id = :contact AND s.workspace_id = e.workspace_id"
                    " AND s.execution_id = e.execution_id AND s.at <= :at"
                ),
                {"ws": ws, "contact": event.contact_id, "at": event.at, "redacted": REDACTED},
            )


async def redact_erased(conn: AsyncConnection, schema: str, steps: list[dict[str, Any]]) -> None:
    """Blank the detail of the just-written `steps` that belong to an erased contact and
    happened at or before the erasure: one statement per batch, a no-op join when nobody was
    erased."""
    if not steps:
        return
    await conn.execute(
        text(
            f'UPDATE "{schema}".execution_steps s SET detail = CAST(:redacted AS jsonb)'
            f' FROM "{schema}".executions e JOIN "{schema}".erased_contacts x'
            " ON x.workspace_id = e.workspace_id AND x.contact_id = e.contact_id"
            " WHERE s.workspace_id = e.workspace_id AND s.execution_id = e.execution_id"
            " AND (s.workspace_id, s.execution_id, s.sequence) IN"
            " (SELECT * FROM unnest(CAST(:wss AS text[]), CAST(:ids AS text[]),"
            " CAST(:seqs AS bigint[])))"
            " AND s.at <= x.erased_at"
        ),
        {
            "redacted": REDACTED,
            "wss": [s["ws"] for s in steps],
            "ids": [s["id"] for s in steps],
            "seqs": [s["seq"] for s in steps],
        },
    )
