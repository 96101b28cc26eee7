"""The SQL of segment filters on real Postgres: the indexed forms reach their GIN indexes, and
the Unicode edges the random test rarely draws (full case folding, final sigma) hold."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from parley.contracts.crm.segments import SegmentFilter
from parley.crm.adapters.contact_rows import CONTACTS_WITH_ACTIVITY, contact_view, select_views
from parley.crm.adapters.segment_sql import audience
from parley.crm.adapters.tables import contacts, in_schema
from parley.crm.app import MIGRATIONS
from parley.crm.domain.segment_match import matches
from parley.runtime.migrations import migrate

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
WS = "ws-sql"


@pytest.fixture
async def schema(engine: AsyncEngine, fresh_schema: str) -> str:
    await migrate(engine, MIGRATIONS, fresh_schema)
    return fresh_schema


async def put(engine: AsyncEngine, schema: str, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as raw:
        conn = await in_schema(raw, schema)
        await conn.execute(
            contacts.insert(),
            [{"workspace_id": WS, "created_at": NOW, "updated_at": NOW, **r} for r in rows],
        )


def condition(body: dict[str, Any]) -> SegmentFilter:
    return SegmentFilter.model_validate({"conditions": [body]})


async def plan(conn: AsyncConnection, schema: str, segment: SegmentFilter) -> str:
    """EXPLAIN of the audience query, with the sequential scan priced out."""
    statement = (
        sa.select(contacts.c.contact_id)
        .select_from(CONTACTS_WITH_ACTIVITY)
        .where(audience(WS, segment, NOW))
    )
    compiled = statement.compile(dialect=conn.dialect)  # asyncpg's: $1 placeholders
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    params = [json.dumps(p) if isinstance(p, dict) else p for p in params]  # JSONB as text
    await conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
    await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    lines = await conn.exec_driver_sql(f"EXPLAIN {compiled}", tuple(params))
    return "\n".join(line for (line,) in lines)


@pytest.mark.parametrize(
    ("body", "index"),
    [
        ({"kind": "tag", "tag": "vip"}, "contacts_tags"),
        ({"kind": "field", "key": "score", "op": "eq", "value": 7}, "contacts_fields"),
        ({"kind": "field", "key": "active", "op": "eq", "value": True}, "contacts_fields"),
    ],
)
async def test_tag_and_field_equality_use_their_gin_indexes(
    engine: AsyncEngine, schema: str, body: dict[str, Any], index: str
) -> None:
    await put(
        engine,
        schema,
        [
            {
                "contact_id": f"c-{i}",
                "tags": ["vip"] if i % 50 == 0 else ["other"],
                "fields": {"score": float(i % 100), "active": i % 50 == 0},
            }
            for i in range(2000)
        ],
    )
    async with engine.begin() as raw:
        await raw.exec_driver_sql(f'ANALYZE "{schema}".contacts')
        explained = await plan(raw, schema, condition(body))
    assert index in explained, explained


@pytest.mark.parametrize(
    ("stored", "op", "value", "expected"),
    [
        ("straße", "eq", "STRASSE", True),
        ("ΌΣΟΣ", "eq", "όσος", True),
        ("İstanbul", "contains", "i̇st", True),
        ("Ǆemal", "eq", "ǆEMAL", True),
        ("Lisboa", "neq", "LISBOA", False),
        ("B", "gt", "a", False),
        ("é", "gt", "z", True),  # code point order, whatever the database's collation
        ("10", "lt", "9", True),
    ],
)
async def test_text_conditions_agree_with_python_beyond_ascii(
    engine: AsyncEngine, schema: str, stored: str, op: str, value: str, expected: bool
) -> None:
    await put(engine, schema, [{"contact_id": "c-1", "fields": {"t": stored}}])
    segment = condition({"kind": "field", "key": "t", "op": op, "value": value})
    async with engine.connect() as raw:
        conn = await in_schema(raw, schema)
        selected = await conn.execute(
            sa.select(contacts.c.contact_id)
            .select_from(CONTACTS_WITH_ACTIVITY)
            .where(audience(WS, segment, NOW))
        )
        row = (await conn.execute(select_views())).one()
    assert (list(selected.scalars()) == ["c-1"]) is expected
    assert matches(segment, contact_view(row._mapping), NOW) is expected
