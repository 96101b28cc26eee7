"""Segments through the running crm service: change-segment, list/get-segment, preview-segment
and segment-members, with contacts written straight into crm's read model under a fresh
workspace (the contacts projection is tested on its own)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.crm.segment_queries import (
    ChangeSegment,
    GetSegment,
    ListSegments,
    PreviewSegment,
    SegmentChangeResult,
    SegmentMemberPage,
    SegmentMembers,
    SegmentPage,
    SegmentPreview,
    SegmentReply,
)
from parley.contracts.crm.segments import SegmentFilter
from parley.crm.adapters.tables import contact_activity, contacts, custom_fields, in_schema
from parley.crm.testing.harness import QueryFailed, ask
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
VIP = SegmentFilter.model_validate({"conditions": [{"kind": "tag", "tag": "vip"}]})


async def put_contacts(
    engine: AsyncEngine, schema: str, workspace_id: str, rows: list[dict[str, Any]]
) -> None:
    """Contacts as the contacts projection would have written them."""
    async with engine.begin() as raw:
        conn = await in_schema(raw, schema)
        for row in rows:
            inbound = row.pop("last_inbound_at", None)
            created = row.pop("created_at", NOW - timedelta(days=30))
            await conn.execute(
                contacts.insert().values(
                    workspace_id=workspace_id, created_at=created, updated_at=created, **row
                )
            )
            if inbound is not None:
                await conn.execute(
                    contact_activity.insert().values(
                        workspace_id=workspace_id,
                        contact_id=row["contact_id"],
                        last_inbound_at=inbound,
                        first_inbound_at=inbound,
                    )
                )


async def define_field(
    engine: AsyncEngine, schema: str, workspace_id: str, key: str, type_: str
) -> None:
    async with engine.begin() as raw:
        conn = await in_schema(raw, schema)
        await conn.execute(
            custom_fields.insert().values(
                workspace_id=workspace_id, key=key, label=key.title(), type=type_, defined_at=NOW
            )
        )


async def save(nc: NatsClient, ws: str, segment_id: str, name: str, body: Any) -> Any:
    request = ChangeSegment(action="save", segment_id=segment_id, name=name, filter=body)
    return await ask(nc, ws, request, SegmentChangeResult)


async def saved(nc: NatsClient, ws: str, segment_id: str) -> SegmentReply | None:
    try:
        return await ask(nc, ws, GetSegment(segment_id=segment_id), SegmentReply)
    except QueryFailed as failed:
        if failed.code != "404":
            raise
        return None


@pytest.fixture
def ws(unique: Callable[[str], str]) -> str:
    return unique("ws")


async def test_a_saved_segment_is_listed_got_updated_and_deleted(
    crm: Service, nc: NatsClient, ws: str
) -> None:
    result = await save(nc, ws, "seg-vip", "  VIPs ", VIP)
    assert result.ok, result
    assert result.segment is not None
    assert (result.segment.name, result.segment.filter) == ("VIPs", VIP)
    created_at = result.segment.created_at

    async def listed() -> bool:
        return (await saved(nc, ws, "seg-vip")) is not None

    await eventually(listed, timeout=10)
    renamed = await save(nc, ws, "seg-vip", "Very important", VIP)
    assert renamed.ok
    assert renamed.segment is not None
    assert renamed.segment.created_at == created_at
    assert renamed.segment.updated_at > created_at

    async def renamed_in_read_model() -> bool:
        reply = await saved(nc, ws, "seg-vip")
        return reply is not None and reply.segment.name == "Very important"

    await eventually(renamed_in_read_model, timeout=10)
    page = await ask(nc, ws, ListSegments(), SegmentPage)
    assert [s.segment_id for s in page.items] == ["seg-vip"]

    deleted = await ask(
        nc, ws, ChangeSegment(action="delete", segment_id="seg-vip"), SegmentChangeResult
    )
    assert deleted.ok
    assert deleted.segment is None

    async def gone() -> bool:
        return (await saved(nc, ws, "seg-vip")) is None

    await eventually(gone, timeout=10)
    again = await ask(
        nc, ws, ChangeSegment(action="delete", segment_id="seg-vip"), SegmentChangeResult
    )
    assert (again.ok, again.code) == (False, "SEGMENT_NOT_FOUND")


async def test_list_segments_pages_newest_change_first(
    crm: Service, nc: NatsClient, ws: str
) -> None:
    for i in range(5):
        assert (await save(nc, ws, f"seg-{i}", f"S{i}", VIP)).ok

    async def all_projected() -> bool:
        return len((await ask(nc, ws, ListSegments(limit=100), SegmentPage)).items) == 5

    await eventually(all_projected, timeout=10)
    seen: list[str] = []
    cursor = ""
    while True:
        page = await ask(nc, ws, ListSegments(limit=2, cursor=cursor), SegmentPage)
        seen += [s.segment_id for s in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == ["seg-4", "seg-3", "seg-2", "seg-1", "seg-0"]


async def test_change_segment_names_each_problem_with_its_field(
    crm: Service, nc: NatsClient, engine: AsyncEngine, ws: str
) -> None:
    await define_field(engine, crm.schema, ws, "score", "number")
    await define_field(engine, crm.schema, ws, "vip", "boolean")
    body = SegmentFilter.model_validate(
        {
            "conditions": [
                {"kind": "field", "key": "score", "op": "gt", "value": 3},
                {"kind": "field", "key": "plan", "op": "eq", "value": "gold"},
                {
                    "kind": "group",
                    "match": "any",
                    "conditions": [
                        {"kind": "field", "key": "vip", "op": "gt", "value": True},
                        {"kind": "field", "key": "score", "op": "eq", "value": "ten"},
                    ],
                },
            ]
        }
    )
    result = await save(nc, ws, "seg-bad", "", body)
    assert (result.ok, result.code) == (False, "SEGMENT_INVALID")
    fields = {p.field: p.rule for p in result.problems}
    assert set(fields) == {
        "name",
        "filter.conditions[1].key",
        "filter.conditions[2].conditions[0].value",
        "filter.conditions[2].conditions[1].value",
    }
    assert "plan" in fields["filter.conditions[1].key"]
    assert "eq and neq" in fields["filter.conditions[2].conditions[0].value"]
    wrong_id = await save(nc, ws, "vip", "VIP", VIP)
    assert [p.field for p in wrong_id.problems] == ["segment_id"]
    no_filter = await ask(
        nc, ws, ChangeSegment(action="save", segment_id="seg-x", name="X"), SegmentChangeResult
    )
    assert [p.field for p in no_filter.problems] == ["filter"]
    assert await saved(nc, ws, "seg-bad") is None


async def test_preview_counts_by_consent_and_samples_in_id_order(
    crm: Service, nc: NatsClient, engine: AsyncEngine, ws: str, unique: Callable[[str], str]
) -> None:
    states = ["opted_in", "opted_in", "opted_out", "unknown", "opted_in"]
    await put_contacts(
        engine,
        crm.schema,
        ws,
        [
            {"contact_id": f"c-{i}", "tags": ["vip"], "consent_state": s}
            for i, s in enumerate(states)
        ]
        + [
            {"contact_id": "c-plain", "tags": [], "consent_state": "opted_in"},
            {
                "contact_id": "c-erased",
                "tags": ["vip"],
                "consent_state": "opted_in",
                "erased": True,
            },
        ],
    )
    other = unique("other")
    await put_contacts(engine, crm.schema, other, [{"contact_id": "c-9", "tags": ["vip"]}])

    preview = await ask(nc, ws, PreviewSegment(filter=VIP, now=NOW, sample=3), SegmentPreview)
    assert preview.count == 5
    assert preview.by_consent == {"opted_in": 3, "opted_out": 1, "unknown": 1}
    assert preview.sample == ("c-0", "c-1", "c-2")
    assert preview.evaluated_at == NOW

    assert (await save(nc, ws, "seg-vip", "VIP", VIP)).ok

    async def by_id() -> bool:
        try:
            reply = await ask(nc, ws, PreviewSegment(segment_id="seg-vip"), SegmentPreview)
        except QueryFailed:
            return False
        return reply.count == 5

    await eventually(by_id, timeout=10)
    nobody = SegmentFilter(match="any")
    empty = await ask(nc, ws, PreviewSegment(filter=nobody, sample=0), SegmentPreview)
    assert (empty.count, empty.sample) == (0, ())
    assert empty.by_consent == {"opted_in": 0, "opted_out": 0, "unknown": 0}


async def test_preview_and_members_refuse_unclear_requests(
    crm: Service, nc: NatsClient, ws: str
) -> None:
    with pytest.raises(QueryFailed) as neither:
        await ask(nc, ws, PreviewSegment(), SegmentPreview)
    assert (neither.value.code, "filter" in neither.value.description) == ("400", True)
    with pytest.raises(QueryFailed) as both:
        await ask(nc, ws, SegmentMembers(filter=VIP, segment_id="seg-vip"), SegmentMemberPage)
    assert both.value.code == "400"
    with pytest.raises(QueryFailed) as unknown:
        await ask(nc, ws, SegmentMembers(segment_id="seg-none"), SegmentMemberPage)
    assert unknown.value.code == "404"
    ordered_bool = SegmentFilter.model_validate(
        {"conditions": [{"kind": "field", "key": "vip", "op": "lt", "value": True}]}
    )
    with pytest.raises(QueryFailed) as bad:
        await ask(nc, ws, PreviewSegment(filter=ordered_bool), SegmentPreview)
    assert bad.value.code == "400"
    assert "filter.conditions[0].value" in bad.value.description


@pytest.mark.timeout(60)
async def test_members_page_in_id_order_with_after_and_never_include_the_erased(
    crm: Service, nc: NatsClient, engine: AsyncEngine, ws: str, unique: Callable[[str], str]
) -> None:
    rows: list[dict[str, Any]] = [
        {
            "contact_id": f"c-{i:03d}",
            "phone": f"+35191000{i:04d}",
            "name": f"Member {i}",
            "language": "pt",
            "consent_state": "opted_in" if i % 3 else "unknown",
            "fields": {"score": float(i)},
            "erased": i % 10 == 7,
            "last_inbound_at": NOW - timedelta(days=i % 5),
        }
        for i in range(57)
    ]
    await put_contacts(engine, crm.schema, ws, rows)
    # Another workspace's contacts with the same ids and data are never members here.
    await put_contacts(engine, crm.schema, unique("other"), [dict(r) for r in rows])
    scored = SegmentFilter.model_validate(
        {
            "conditions": [
                {"kind": "field", "key": "score", "op": "gte", "value": 10},
                {"kind": "last_inbound", "op": "within_days", "days": 3},
            ]
        }
    )
    expected = [f"c-{i:03d}" for i in range(57) if i >= 10 and i % 5 <= 3 and i % 10 != 7]
    seen: list[str] = []
    after = ""
    pages = 0
    while True:
        page = await ask(
            nc, ws, SegmentMembers(filter=scored, now=NOW, after=after, limit=7), SegmentMemberPage
        )
        pages += 1
        seen += [m.contact_id for m in page.members]
        if page.last is None:
            break
        assert page.last == page.members[-1].contact_id
        after = page.last
    assert seen == expected
    assert pages == -(-len(expected) // 7)  # the last full page already says it is the last
    first = await ask(nc, ws, SegmentMembers(filter=scored, now=NOW, limit=1), SegmentMemberPage)
    member = first.members[0]
    assert (member.contact_id, member.phone, member.name, member.language) == (
        "c-010",
        "+351910000010",
        "Member 10",
        "pt",
    )
    assert member.consent == "opted_in"
    assert member.fields == {"score": 10.0}
    assert member.last_inbound_at == NOW
