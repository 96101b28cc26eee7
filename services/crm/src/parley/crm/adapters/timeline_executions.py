"""`execution_contacts`: the contact and flow of each execution, from its ExecutionStarted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.crm.domain.timeline_entries import FlowRun

ExecutionKey = tuple[str, str]  # (workspace_id, execution_id)


async def remember(
    conn: AsyncConnection, schema: str, runs: Sequence[tuple[str, FlowRun, datetime]]
) -> None:
    """Record (workspace_id, run, started_at) for each run; a run already known stays."""
    if not runs:
        return
    await conn.execute(
        text(
            f'INSERT INTO "{schema}".execution_contacts (workspace_id, execution_id, contact_id,'
            " flow_id, flow_version, started_at) VALUES (:ws, :id, :contact, :flow, :version,"
            " :at) ON CONFLICT (workspace_id, execution_id) DO NOTHING"
        ),
        [
            {
                "ws": ws,
                "id": run.execution_id,
                "contact": run.contact_id,
                "flow": run.flow_id,
                "version": run.flow_version,
                "at": at,
            }
            for ws, run, at in runs
        ],
    )


async def runs_of(
    conn: AsyncConnection, schema: str, executions: Iterable[ExecutionKey]
) -> dict[ExecutionKey, FlowRun]:
    keys = sorted(set(executions))
    if not keys:
        return {}
    result = await conn.execute(
        text(
            "SELECT x.workspace_id, x.execution_id, x.contact_id, x.flow_id, x.flow_version"
            f' FROM "{schema}".execution_contacts x'
            " JOIN unnest(CAST(:ws AS text[]), CAST(:ids AS text[])) AS t(w, e)"
            " ON x.workspace_id = t.w AND x.execution_id = t.e"
        ),
        {"ws": [k[0] for k in keys], "ids": [k[1] for k in keys]},
    )
    return {
        (row.workspace_id, row.execution_id): FlowRun(
            execution_id=row.execution_id,
            contact_id=row.contact_id,
            flow_id=row.flow_id,
            flow_version=row.flow_version,
        )
        for row in result
    }


async def reset(conn: AsyncConnection, schema: str) -> None:
    await conn.execute(text(f'TRUNCATE "{schema}".execution_contacts'))
