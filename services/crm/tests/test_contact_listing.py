"""list-contacts through the running crm service: every order pages without duplicates or gaps
(ties and contacts who never wrote included), search, filters and saved segments, totals, and
workspace isolation. Contacts are written straight into crm's read model under a fresh
workspace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from nats.aio.client import Client as NatsClient
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.crm.contacts import ContactView
from parley.contracts.crm.queries import ContactOrder, ContactPage, ListContacts
from parley.contracts.crm.segment_queries import ChangeSegment, SegmentChangeResult
from parley.contracts.crm.segments import SegmentFilter
from parley.crm.adapters.tables import contact_activity, contacts, in_schema
from parley.crm.testing.harness import QueryFailed, ask
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
NAMES = ("Ana", "bruno", "Carla", "ana", "Élodie", "Zoë", "", "Bruno", "Duarte", "Maria João")


def rows(count: int) -> list[dict[str, Any]]:
    """Contacts with repeated creation times and names, some who never wrote, one erased."""
    return [
        {
            "contact_id": f"c-{i:03d}",
            "phone": f"+3519{i:08d}",
            "name": NAMES[i % len(NAMES)],
            "tags": ["vip"] if i % 2 else [],
            "consent_state": "opted_in",
            "erased": i == 5,
            "created_at": NOW - timedelta(hours=i // 3),  # three contacts per hour
            "last_inbound_at": None if i % 4 == 0 else NOW - timedelta(minutes=i % 6),
        }
        for i in range(count)
    ]


async def put_contacts(
    engine: AsyncEngine, schema: str, workspace_id: str, data: list[dict[str, Any]]
) -> None:
    async with engine.begin() as raw:
        conn = await in_schema(raw, schema)
        for source in data:
            row = dict(source)
            inbound = row.pop("last_inbound_at")
            await conn.execute(
                contacts.insert().values(
                    workspace_id=workspace_id, updated_at=row["created_at"], **row
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


async def every_page(nc: NatsClient, ws: str, request: ListContacts) -> list[ContactView]:
    listed: list[ContactView] = []
    cursor = request.cursor
    for _ in range(100):
        page = await ask(nc, ws, request.model_copy(update={"cursor": cursor}), ContactPage)
        listed += page.items
        if page.next_cursor is None:
            return listed
        assert len(page.items) == request.limit
        cursor = page.next_cursor
    raise AssertionError("more than 100 pages")


def expected_order(data: list[dict[str, Any]], order: ContactOrder) -> list[str]:
    live = [r for r in data if not r["erased"]]
    if order == "created_desc":
        live.sort(key=lambda r: r["contact_id"])
        live.sort(key=lambda r: r["created_at"], reverse=True)
    elif order == "created_asc":
        live.sort(key=lambda r: r["contact_id"], reverse=True)
        live.sort(key=lambda r: r["created_at"])
    else:
        live.sort(key=lambda r: r["contact_id"])
        live.sort(
            key=lambda r: r["last_inbound_at"] or datetime.min.replace(tzinfo=UTC), reverse=True
        )
    return [r["contact_id"] for r in live]


async def by_name_in_the_database(engine: AsyncEngine, schema: str, ws: str) -> list[str]:
    """Names order by the database's collation, which the test does not presume."""
    async with engine.connect() as raw:
        conn = await in_schema(raw, schema)
        listed = await conn.execute(
            sa.select(contacts.c.contact_id)
            .where(contacts.c.workspace_id == ws, contacts.c.erased.is_(False))
            .order_by(contacts.c.name, contacts.c.contact_id)
        )
        return list(listed.scalars())


@pytest.fixture
def ws(unique: Callable[[str], str]) -> str:
    return unique("ws")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("order", ["created_desc", "created_asc", "last_inbound_desc", "name_asc"])
async def test_every_order_pages_without_duplicates_or_gaps(
    crm: Service,
    nc: NatsClient,
    engine: AsyncEngine,
    ws: str,
    unique: Callable[[str], str],
    order: ContactOrder,
) -> None:
    data = rows(23)
    await put_contacts(engine, crm.schema, ws, data)
    await put_contacts(engine, crm.schema, unique("other"), data)  # same ids, other workspace
    listed = await every_page(nc, ws, ListContacts(order=order, limit=4))
    ids = [c.contact_id for c in listed]
    if order == "name_asc":
        expected = await by_name_in_the_database(engine, crm.schema, ws)
    else:
        expected = expected_order(data, order)
    assert ids == expected
    assert len(ids) == len(set(ids)) == 22
    assert "c-005" not in ids  # erased


async def test_a_contact_added_between_pages_is_neither_repeated_nor_a_cause_of_gaps(
    crm: Service, nc: NatsClient, engine: AsyncEngine, ws: str
) -> None:
    data = rows(10)
    await put_contacts(engine, crm.schema, ws, data)
    first = await ask(nc, ws, ListContacts(limit=4), ContactPage)
    assert first.next_cursor is not None
    newest = {
        **rows(1)[0],
        "contact_id": "c-new",
        "phone": "+14155550100",
        "created_at": NOW + timedelta(hours=1),
    }
    await put_contacts(engine, crm.schema, ws, [newest])
    rest = await every_page(nc, ws, ListContacts(limit=4, cursor=first.next_cursor))
    ids = [c.contact_id for c in (*first.items, *rest)]
    assert ids == expected_order(data, "created_desc")  # the newcomer sits before the cursor


async def test_search_by_part_of_the_name_or_start_of_the_phone(
    crm: Service, nc: NatsClient, engine: AsyncEngine, ws: str
) -> None:
    data = rows(20)
    await put_contacts(engine, crm.schema, ws, data)

    async def found(term: str) -> list[str]:
        listed = await every_page(nc, ws, ListContacts(search=term, order="created_asc", limit=50))
        return sorted(c.contact_id for c in listed)

    by_name = sorted(
        r["contact_id"] for r in data if "bru" in r["name"].casefold() and not r["erased"]
    )
    assert by_name
    assert await found("BRU") == by_name
    assert await found("élo") == ["c-004", "c-014"]  # Élodie, case folded beyond ASCII
    assert await found("+351 9 0000001") == [f"c-{i:03d}" for i in range(10, 20)]
    assert await found("351 900 000 001") == ["c-001"]
    assert await found("100%") == []  # the search is a literal, not a pattern
    assert await found("Maria João") == ["c-009", "c-019"]


async def test_filter_segment_and_total(
    crm: Service, nc: NatsClient, engine: AsyncEngine, ws: str
) -> None:
    data = rows(20)
    await put_contacts(engine, crm.schema, ws, data)
    vip = SegmentFilter.model_validate({"conditions": [{"kind": "tag", "tag": "vip"}]})
    expected = [r["contact_id"] for r in data if r["tags"] and not r["erased"]]
    page = await ask(nc, ws, ListContacts(filter=vip, limit=3, with_total=True), ContactPage)
    assert page.total == len(expected) == 9
    assert len(page.items) == 3
    listed = await every_page(nc, ws, ListContacts(filter=vip, order="created_asc", limit=3))
    assert sorted(c.contact_id for c in listed) == sorted(expected)
    everyone = await ask(nc, ws, ListContacts(with_total=True), ContactPage)
    assert everyone.total == 19  # all but the erased one

    saved = await ask(
        nc,
        ws,
        ChangeSegment(action="save", segment_id="seg-vip", name="VIP", filter=vip),
        SegmentChangeResult,
    )
    assert saved.ok

    async def through_segment() -> bool:
        try:
            reply = await ask(
                nc, ws, ListContacts(segment_id="seg-vip", with_total=True), ContactPage
            )
        except QueryFailed:
            return False
        return reply.total == 9

    await eventually(through_segment, timeout=10)
    with pytest.raises(QueryFailed) as both:
        await ask(nc, ws, ListContacts(segment_id="seg-vip", filter=vip), ContactPage)
    assert both.value.code == "400"
    with pytest.raises(QueryFailed) as missing:
        await ask(nc, ws, ListContacts(segment_id="seg-none"), ContactPage)
    assert missing.value.code == "404"


async def test_a_cursor_works_only_for_the_order_that_issued_it(
    crm: Service, nc: NatsClient, engine: AsyncEngine, ws: str
) -> None:
    await put_contacts(engine, crm.schema, ws, rows(6))
    page = await ask(nc, ws, ListContacts(limit=2, order="name_asc"), ContactPage)
    assert page.next_cursor is not None
    for cursor in (page.next_cursor, "garbage"):
        with pytest.raises(QueryFailed) as refused:
            await ask(nc, ws, ListContacts(limit=2, cursor=cursor), ContactPage)
        assert refused.value.code == "400"
        assert "cursor" in refused.value.description


async def test_another_workspace_sees_none_of_these_contacts(
    crm: Service, nc: NatsClient, engine: AsyncEngine, ws: str, unique: Callable[[str], str]
) -> None:
    await put_contacts(engine, crm.schema, ws, rows(8))
    stranger = unique("stranger")
    empty = await ask(nc, stranger, ListContacts(search="Ana", with_total=True), ContactPage)
    assert (empty.items, empty.total, empty.next_cursor) == ((), 0, None)
