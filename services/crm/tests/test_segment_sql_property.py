"""Property: on random contacts and random nested filters, Postgres (adapters.segment_sql)
selects exactly the contacts the brute-force evaluator (domain.segment_match) says match.

The data is built to sit on every edge the two could disagree on: missing fields and fields of
another kind, case variants and non-ASCII case folding (straße / STRASSE, final sigma), -0.0
and 1e16, texts that look like numbers, last-inbound times exactly N days before `now`,
creation times equal to a condition's `at`, erased contacts, and empty groups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.crm.contacts import LIFECYCLE_STAGES
from parley.contracts.crm.segments import (
    ConsentCondition,
    CreatedCondition,
    FieldCondition,
    LastInboundCondition,
    LifecycleCondition,
    SegmentFilter,
    TagCondition,
)
from parley.crm.adapters.contact_rows import CONTACTS_WITH_ACTIVITY, contact_view, select_views
from parley.crm.adapters.segment_sql import audience
from parley.crm.adapters.tables import contact_activity, contacts, in_schema
from parley.crm.app import MIGRATIONS
from parley.crm.domain.segment_match import matches
from parley.runtime.migrations import migrate

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
TAGS = ("vip", "VIP", "b2b", "new", "é")
KEYS = ("city", "score", "active", "birthday")
TEXTS = (
    "Lisboa",
    "lisboa",
    "LISBOA",
    "",
    "10",
    "2024-01-05",
    "2023-12-31",
    "a",
    "B",
    "isb",
)
# Pairs equal only under full Unicode case folding, drawn often so the folding is exercised.
FOLDED = ("straße", "STRASSE", "ΌΣΟΣ", "όσος", "Élan", "éLAN")
NUMBERS = (-1.5, -0.0, 0.0, 0.1, 1.0, 2.5, 10.0, 1e16)
DAYS = (1, 2, 3, 7, 30)
TIMES = (
    datetime(2025, 1, 1, tzinfo=UTC),
    datetime(2026, 1, 1, tzinfo=UTC),
    datetime(2026, 4, 30, 12, tzinfo=UTC),
    datetime(2026, 5, 1, 11, 59, 59, 999999, tzinfo=UTC),
)

folded = st.sampled_from(FOLDED)
values = st.one_of(st.sampled_from(TEXTS), folded, folded, st.sampled_from(NUMBERS), st.booleans())


@st.composite
def contact_rows(
    draw: st.DrawFn, workspace_id: str, index: int, words: st.SearchStrategy[Any]
) -> dict[str, Any]:
    fields = {key: draw(words) for key in KEYS if draw(st.booleans())}
    last_inbound = draw(
        st.one_of(
            st.none(),
            st.builds(
                lambda d, s: NOW - timedelta(days=d, microseconds=s),
                st.sampled_from((0, *DAYS)),
                st.sampled_from((-1, 0, 1)),
            ),
        )
    )
    return {
        "workspace_id": workspace_id,
        "contact_id": f"c{index}",
        "name": f"Contact {index}",
        "fields": fields,
        "tags": sorted(draw(st.sets(st.sampled_from(TAGS), max_size=3))),
        "stage": draw(st.sampled_from(LIFECYCLE_STAGES)),
        "consent_state": draw(st.sampled_from(("unknown", "opted_in", "opted_out"))),
        "erased": draw(st.sampled_from((False, False, False, False, True))),
        "created_at": draw(st.sampled_from(TIMES)),
        "updated_at": NOW,
        "last_inbound_at": last_inbound,
    }


def field_conditions(words: st.SearchStrategy[Any]) -> st.SearchStrategy[FieldCondition]:
    key = st.sampled_from((*KEYS, "ghost"))
    valued = st.builds(
        FieldCondition,
        key=key,
        op=st.sampled_from(("eq", "neq", "contains", "gt", "gte", "lt", "lte")),
        value=words,
    )
    bare = st.builds(FieldCondition, key=key, op=st.sampled_from(("is_set", "is_not_set")))
    return st.one_of(valued, valued, bare)


def last_inbound_conditions() -> st.SearchStrategy[LastInboundCondition]:
    return st.one_of(
        st.just(LastInboundCondition(op="never")),
        st.builds(
            LastInboundCondition,
            op=st.sampled_from(("within_days", "not_within_days")),
            days=st.sampled_from(DAYS),
        ),
    )


def leaves(words: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(TagCondition, op=st.sampled_from(("has", "has_not")), tag=st.sampled_from(TAGS)),
        field_conditions(words),
        field_conditions(words),
        st.builds(ConsentCondition, state=st.sampled_from(("unknown", "opted_in", "opted_out"))),
        last_inbound_conditions(),
        st.builds(
            LifecycleCondition,
            stages=st.lists(st.sampled_from(LIFECYCLE_STAGES), min_size=1, max_size=3).map(tuple),
        ),
        st.builds(
            CreatedCondition, op=st.sampled_from(("before", "after")), at=st.sampled_from(TIMES)
        ),
    )


def groups(depth: int, words: st.SearchStrategy[Any]) -> st.SearchStrategy[SegmentFilter]:
    inner = leaves(words) if depth == 1 else st.one_of(leaves(words), groups(depth - 1, words))
    return st.builds(
        SegmentFilter,
        match=st.sampled_from(("all", "any")),
        conditions=st.lists(inner, max_size=4).map(tuple),
    )


WS, DECOY = "ws-prop", "ws-decoy"


def parts_of(segment: SegmentFilter) -> list[SegmentFilter]:
    """The filter, each group nested in it, and each condition as a filter of its own."""
    parts = [segment]
    for condition in segment.conditions:
        if isinstance(condition, SegmentFilter):
            parts += parts_of(condition)
        else:
            parts.append(SegmentFilter(conditions=(condition,)))
    return parts


def case_variants(vocabulary: list[Any]) -> list[Any]:
    """Each text with its upper- and lower-case spellings (STRASSE for straße, ΌΣΟΣ for όσος)."""
    texts = [w for w in vocabulary if isinstance(w, str)]
    return vocabulary + [t.upper() for t in texts] + [t.lower() for t in texts]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[SegmentFilter]]:
    """Contacts and filters over one small vocabulary of field values and their case variants,
    so conditions meet stored values often instead of by rare chance."""
    vocabulary = case_variants(draw(st.lists(values, min_size=1, max_size=4)))
    # By index: sampled_from caches strategies by their arguments, and [True] == [1.0].
    words = st.integers(0, len(vocabulary) - 1).map(vocabulary.__getitem__)
    size = draw(st.integers(min_value=1, max_value=16))
    rows = [draw(contact_rows(WS, i, words)) for i in range(size)]
    return rows, draw(st.lists(groups(3, words), min_size=1, max_size=6))


@pytest.fixture
async def schema(engine: AsyncEngine, fresh_schema: str) -> str:
    await migrate(engine, MIGRATIONS, fresh_schema)
    return fresh_schema


async def insert(engine: AsyncEngine, schema: str, rows: list[dict[str, Any]]) -> None:
    activity = [
        {
            "workspace_id": r["workspace_id"],
            "contact_id": r["contact_id"],
            "last_inbound_at": r["last_inbound_at"],
            "first_inbound_at": r["last_inbound_at"],
        }
        for r in rows
        if r["last_inbound_at"] is not None
    ]
    async with engine.begin() as raw:
        conn = await in_schema(raw, schema)
        await conn.execute(
            contacts.insert(),
            [{k: v for k, v in r.items() if k != "last_inbound_at"} for r in rows],
        )
        if activity:
            await conn.execute(contact_activity.insert(), activity)


@pytest.mark.timeout(90)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
async def test_sql_selects_exactly_the_contacts_the_brute_force_evaluator_matches(
    engine: AsyncEngine, schema: str, scenario: tuple[list[dict[str, Any]], list[SegmentFilter]]
) -> None:
    rows, segments = scenario
    # The same contacts in another workspace, under other ids: none may ever be selected.
    decoys = [{**r, "workspace_id": DECOY, "contact_id": f"x{r['contact_id']}"} for r in rows]
    await insert(engine, schema, rows + decoys)
    try:
        async with engine.connect() as raw:
            conn = await in_schema(raw, schema)
            stored = await conn.execute(select_views().where(contacts.c.workspace_id == WS))
            views = [contact_view(r._mapping) for r in stored]
            by_id = {v.contact_id: v for v in views}
            for segment in segments:
                selected = await conn.execute(
                    sa.select(contacts.c.contact_id)
                    .select_from(CONTACTS_WITH_ACTIVITY)
                    .where(audience(WS, segment, NOW))
                )
                expected = {v.contact_id for v in views if matches(segment, v, NOW)}
                assert set(selected.scalars()) == expected, segment.model_dump_json()
            # Every part on its own too, as a column: a part that disagrees can be masked by
            # the rest of a random filter, and a NULL would show here as None.
            parts = [p for segment in segments for p in parts_of(segment)]
            columns = [audience(WS, part, NOW).label(f"p{i}") for i, part in enumerate(parts)]
            truth = await conn.execute(
                sa.select(contacts.c.contact_id, *columns)
                .select_from(CONTACTS_WITH_ACTIVITY)
                .where(contacts.c.workspace_id == WS)
            )
            for contact_id, *answers in truth:
                for part, answer in zip(parts, answers, strict=True):
                    wanted = matches(part, by_id[contact_id], NOW)
                    assert answer is wanted, (contact_id, part.model_dump_json())
    finally:  # each example starts from empty tables, so a replayed example sees the same data
        async with engine.begin() as raw:
            conn = await in_schema(raw, schema)
            await conn.execute(contacts.delete())
            await conn.execute(contact_activity.delete())
