"""Projects flow events into `flow_engine.flows` and `flow_engine.flow_versions`.

Applied inside the checkpoint's transaction by the runtime's ProjectionRunner, so each event
takes effect exactly once; `reset` empties both tables for a rebuild from the stream.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.flows.events import (
    FlowArchived,
    FlowCreated,
    FlowDraftUpdated,
    FlowPublished,
    FlowRenamed,
    FlowUnarchived,
)
from parley.contracts.streams import FLOW_ENGINE
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

CONSUMER = ConsumerSpec(
    stream=FLOW_ENGINE.name,
    durable="flow-read-model",
    filter_subjects=("flow.evt.>",),
    max_deliver=10,
)


class FlowReadModel:
    name = "flows"

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await conn.execute(text(f'TRUNCATE "{schema}".flows, "{schema}".flow_versions'))

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        message = event.message
        key = {
            "ws": event.envelope.workspace_id,
            "flow": event.subject.split(".")[3],  # flow.evt.<workspace>.<flow_id>
            "at": event.envelope.occurred_at,
        }
        if isinstance(message, FlowCreated):
            await conn.execute(
                text(
                    f'INSERT INTO "{schema}".flows (workspace_id, flow_id, name, draft,'
                    " duplicated_from, created_at, updated_at)"
                    " VALUES (:ws, :flow, :name, CAST(:draft AS jsonb), :source, :at, :at)"
                ),
                {
                    **key,
                    "name": message.name,
                    "draft": message.graph.model_dump_json(),
                    "source": message.duplicated_from,
                },
            )
        elif isinstance(message, FlowDraftUpdated):
            await self._update(
                conn,
                schema,
                key,
                "draft = CAST(:draft AS jsonb)",
                draft=message.graph.model_dump_json(),
            )
        elif isinstance(message, FlowRenamed):
            await self._update(conn, schema, key, "name = :name", name=message.name)
        elif isinstance(message, FlowPublished):
            await conn.execute(
                text(
                    f'INSERT INTO "{schema}".flow_versions (workspace_id, flow_id, version,'
                    " graph, note, published_at)"
                    " VALUES (:ws, :flow, :version, CAST(:graph AS jsonb), :note, :at)"
                ),
                {
                    **key,
                    "version": message.version,
                    "graph": message.graph.model_dump_json(),
                    "note": message.note,
                },
            )
            await self._update(conn, schema, key, "latest_version = :v", v=message.version)
        elif isinstance(message, FlowArchived | FlowUnarchived):
            archived = isinstance(message, FlowArchived)
            await self._update(conn, schema, key, "archived = :archived", archived=archived)

    async def _update(
        self,
        conn: AsyncConnection,
        schema: str,
        key: dict[str, Any],
        assignment: str,
        **values: Any,
    ) -> None:
        await conn.execute(
            text(
                f'UPDATE "{schema}".flows SET {assignment}, updated_at = :at'
                " WHERE workspace_id = :ws AND flow_id = :flow"
            ),
            {**key, **values},
        )
