"""crm's filtered reads: list-contacts, preview-segment, segment-members, list/get-segment.

Every read is scoped to the workspace the query came in for, and erased contacts are never
listed, counted or returned as members. A filter is given inline or as a saved segment's id
(never both); an inline filter a segment could not be saved with (a boolean compared by order,
`contains` with a number, a number that is not finite) is refused with its field path. Pages are
keysets on the listing's sort key plus the contact id, so paging while contacts change neither
repeats nor skips a contact that stays where it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from pydantic import AwareDatetime, TypeAdapter
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from parley.contracts.crm.contacts import ConsentState, ContactView
from parley.contracts.crm.queries import ContactOrder, ContactPage, ListContacts
from parley.contracts.crm.segment_queries import (
    GetSegment,
    ListSegments,
    PreviewSegment,
    SegmentMember,
    SegmentMemberPage,
    SegmentMembers,
    SegmentPage,
    SegmentPreview,
    SegmentReply,
)
from parley.contracts.crm.segments import EVERYONE, SegmentFilter
from parley.crm.adapters.contact_rows import CONTACTS_WITH_ACTIVITY, contact_view, select_views
from parley.crm.adapters.segment_sql import Where, audience
from parley.crm.adapters.segment_store import saved_segment, segment_page
from parley.crm.adapters.tables import contact_activity, contacts, in_schema
from parley.crm.domain.segment_rules import filter_problems
from parley.crm.handlers import listing_cursors as cursors
from parley.runtime.queries import QueryRefused

_CONSENT_STATES: tuple[ConsentState, ...] = ("unknown", "opted_in", "opted_out")
_TIME_AND_ID: TypeAdapter[tuple[AwareDatetime, str]] = TypeAdapter(tuple[AwareDatetime, str])
_MAYBE_TIME_AND_ID: TypeAdapter[tuple[AwareDatetime | None, str]] = TypeAdapter(
    tuple[AwareDatetime | None, str]
)
_TEXT_AND_ID: TypeAdapter[tuple[str, str]] = TypeAdapter(tuple[str, str])
_PHONE_LIKE = re.compile(r"[0-9+()\-.\s]+")
_FOLDING = "pg_unicode_fast"  # Unicode full case folding, as filters fold texts


class ContactListing:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema

    async def list_contacts(self, workspace_id: str, query: ListContacts) -> ContactPage:
        now = _now(query.now)
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            segment = await self._filter(
                conn, workspace_id, query.filter, query.segment_id, required=False
            )
            where = audience(workspace_id, segment, now)
            if query.search.strip():
                where = sa.and_(where, _search(query.search.strip()))
            listing = f"contacts:{query.order}"
            page_query = select_views().where(where)
            if query.cursor:
                page_query = page_query.where(_after(query.order, listing, query.cursor))
            page_query = page_query.order_by(*_order(query.order)).limit(query.limit + 1)
            rows = list(await conn.execute(page_query))
            total = None
            if query.with_total:
                counted = sa.select(sa.func.count()).select_from(CONTACTS_WITH_ACTIVITY)
                total = (await conn.execute(counted.where(where))).scalar_one()
        items = tuple(contact_view(_mapping(row)) for row in rows[: query.limit])
        more = len(rows) > query.limit
        return ContactPage(
            items=items,
            next_cursor=_cursor(query.order, listing, items[-1]) if more else None,
            total=total,
        )

    async def preview_segment(self, workspace_id: str, query: PreviewSegment) -> SegmentPreview:
        now = _now(query.now)
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            segment = await self._filter(
                conn, workspace_id, query.filter, query.segment_id, required=True
            )
            where = audience(workspace_id, segment, now)
            counts = await conn.execute(
                sa.select(contacts.c.consent_state, sa.func.count())
                .select_from(CONTACTS_WITH_ACTIVITY)
                .where(where)
                .group_by(contacts.c.consent_state)
            )
            by_consent: dict[ConsentState, int] = dict.fromkeys(_CONSENT_STATES, 0)
            for state, count in counts:
                by_consent[state] = count
            sample: list[str] = []
            if query.sample:
                sample = list(
                    (
                        await conn.execute(
                            sa.select(contacts.c.contact_id)
                            .select_from(CONTACTS_WITH_ACTIVITY)
                            .where(where)
                            .order_by(contacts.c.contact_id)
                            .limit(query.sample)
                        )
                    ).scalars()
                )
        return SegmentPreview(
            count=sum(by_consent.values()),
            by_consent=by_consent,
            sample=tuple(sample),
            evaluated_at=now,
        )

    async def segment_members(self, workspace_id: str, query: SegmentMembers) -> SegmentMemberPage:
        now = _now(query.now)
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            segment = await self._filter(
                conn, workspace_id, query.filter, query.segment_id, required=True
            )
            members = (
                sa.select(
                    contacts.c.contact_id,
                    contacts.c.phone,
                    contacts.c.user_id,
                    contacts.c.name,
                    contacts.c.language,
                    contacts.c.consent_state,
                    contacts.c.fields,
                    contacts.c.source,
                    contact_activity.c.last_inbound_at,
                )
                .select_from(CONTACTS_WITH_ACTIVITY)
                .where(audience(workspace_id, segment, now))
            )
            if query.after:
                members = members.where(contacts.c.contact_id > query.after)
            members = members.order_by(contacts.c.contact_id).limit(query.limit + 1)
            rows = list(await conn.execute(members))
        page = tuple(
            SegmentMember(
                contact_id=row.contact_id,
                phone=row.phone,
                user_id=row.user_id,
                name=row.name,
                language=row.language,
                consent=row.consent_state,
                last_inbound_at=row.last_inbound_at,
                fields=dict(row.fields or {}),
                source=row.source,
            )
            for row in rows[: query.limit]
        )
        more = len(rows) > query.limit
        return SegmentMemberPage(members=page, last=page[-1].contact_id if more else None)

    async def list_segments(self, workspace_id: str, query: ListSegments) -> SegmentPage:
        listing = "segments"
        after = cursors.decode(listing, query.cursor, _TIME_AND_ID) if query.cursor else None
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            views = await segment_page(conn, workspace_id, query.limit + 1, after)
        items = tuple(views[: query.limit])
        last = items[-1] if len(views) > query.limit else None
        return SegmentPage(
            items=items,
            next_cursor=cursors.encode(listing, last.updated_at, last.segment_id) if last else None,
        )

    async def get_segment(self, workspace_id: str, query: GetSegment) -> SegmentReply:
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            view = await saved_segment(conn, workspace_id, query.segment_id)
        if view is None:
            raise QueryRefused("404", f"segment_id: no segment {query.segment_id!r} here")
        return SegmentReply(segment=view)

    async def _filter(
        self,
        conn: AsyncConnection,
        workspace_id: str,
        inline: SegmentFilter | None,
        segment_id: str,
        *,
        required: bool,
    ) -> SegmentFilter:
        """The filter a read asked for: inline, or a saved segment's (as saved: a field defined
        when it was saved and removed since simply is not set on anyone)."""
        if inline is not None and segment_id:
            raise QueryRefused("400", "filter: give a filter or a segment_id, not both")
        if segment_id:
            view = await saved_segment(conn, workspace_id, segment_id)
            if view is None:
                raise QueryRefused("404", f"segment_id: no segment {segment_id!r} here")
            return view.filter
        if inline is None:
            if required:
                raise QueryRefused("400", "filter: give a filter or a segment_id")
            return EVERYONE
        problems = filter_problems(inline)
        if problems:
            raise QueryRefused("400", "; ".join(f"{p.field}: {p.rule}" for p in problems))
        return inline


def _now(given: datetime | None) -> datetime:
    if given is None:
        return datetime.now(UTC)
    return given if given.tzinfo is not None else given.replace(tzinfo=UTC)


def _search(term: str) -> Where:
    """Part of the name (ignoring case, as filters do), or the start of the phone number
    however it is written ("+351 91", "35191", "(351) 91-")."""
    name = sa.func.strpos(
        sa.func.casefold(contacts.c.name.collate(_FOLDING)),
        sa.func.casefold(sa.literal(term, sa.Text).collate(_FOLDING)),
    )
    digits = re.sub(r"\D", "", term)
    if digits and _PHONE_LIKE.fullmatch(term):
        return sa.or_(name > 0, contacts.c.phone.startswith(f"+{digits}", autoescape=True))
    return name > 0


# Each order ends with the contact id, so the key is unique and the keyset exact. The id runs
# against the time in the created orders so each is the other read backwards (one index).
def _order(order: ContactOrder) -> tuple[Any, ...]:
    c = contacts.c
    if order == "created_desc":
        return (c.created_at.desc(), c.contact_id.asc())
    if order == "created_asc":
        return (c.created_at.asc(), c.contact_id.desc())
    if order == "name_asc":
        return (c.name.asc(), c.contact_id.asc())
    return (contact_activity.c.last_inbound_at.desc().nulls_last(), c.contact_id.asc())


def _after(order: ContactOrder, listing: str, cursor: str) -> Where:
    c = contacts.c
    if order in ("created_desc", "created_asc"):
        at, contact_id = cursors.decode(listing, cursor, _TIME_AND_ID)
        if order == "created_desc":
            return sa.or_(c.created_at < at, sa.and_(c.created_at == at, c.contact_id > contact_id))
        return sa.or_(c.created_at > at, sa.and_(c.created_at == at, c.contact_id < contact_id))
    if order == "name_asc":
        name, contact_id = cursors.decode(listing, cursor, _TEXT_AND_ID)
        return sa.tuple_(c.name, c.contact_id) > (name, contact_id)
    last, contact_id = cursors.decode(listing, cursor, _MAYBE_TIME_AND_ID)
    inbound = contact_activity.c.last_inbound_at
    if last is None:  # among those who never wrote, listed last
        return sa.and_(inbound.is_(None), c.contact_id > contact_id)
    return sa.or_(
        inbound < last,
        sa.and_(inbound == last, c.contact_id > contact_id),
        inbound.is_(None),
    )


def _cursor(order: ContactOrder, listing: str, last: ContactView) -> str:
    if order in ("created_desc", "created_asc"):
        return cursors.encode(listing, last.created_at, last.contact_id)
    if order == "name_asc":
        return cursors.encode(listing, last.name, last.contact_id)
    return cursors.encode(listing, last.last_inbound_at, last.contact_id)


def _mapping(row: sa.Row[Any]) -> Mapping[str, Any]:
    # A row of select_views() is keyed by column name.
    return cast(Mapping[str, Any], row._mapping)
