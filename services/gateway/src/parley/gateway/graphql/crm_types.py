"""What the GraphQL API returns about contacts, segments and imports.

Each type is converted from its pydantic reply in one place (its `of`). Custom field values and
segment filters are JSON values: their contracts define their shapes, as for a flow's graph.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from parley.contracts.crm import imports as ci
from parley.contracts.crm import queries as cq
from parley.contracts.crm import segment_queries as sq
from parley.contracts.crm.contacts import Consent, ContactView
from parley.gateway.graphql.types import ID, json


@strawberry.type
class ContactConsent:
    state: str = strawberry.field(description="unknown, opted_in or opted_out")
    opted_in_at: datetime | None
    opted_in_source: str
    opted_in_wording: str
    opted_out_at: datetime | None
    opted_out_source: str

    @classmethod
    def of(cls, consent: Consent) -> ContactConsent:
        evidence = consent.opted_in
        return cls(
            state=consent.state,
            opted_in_at=evidence.at if evidence else None,
            opted_in_source=evidence.source if evidence else "",
            opted_in_wording=evidence.wording if evidence else "",
            opted_out_at=consent.opted_out_at,
            opted_out_source=consent.opted_out_source,
        )


@strawberry.type
class Contact:
    contact_id: ID
    phone: str = strawberry.field(description="E.164, or empty for a WhatsApp user id only")
    user_id: str
    name: str
    language: str
    time_zone: str
    fields: JSON = strawberry.field(description="custom field key -> value")
    tags: list[str]
    stage: str
    source: str
    consent: ContactConsent
    last_inbound_at: datetime | None
    created_at: datetime
    updated_at: datetime
    erased: bool

    @classmethod
    def of(cls, contact: ContactView) -> Contact:
        return cls(
            contact_id=ID(contact.contact_id),
            phone=contact.phone,
            user_id=contact.user_id,
            name=contact.name,
            language=contact.language,
            time_zone=contact.time_zone,
            fields=JSON(dict(contact.fields)),
            tags=list(contact.tags),
            stage=contact.stage,
            source=contact.source,
            consent=ContactConsent.of(contact.consent),
            last_inbound_at=contact.last_inbound_at,
            created_at=contact.created_at,
            updated_at=contact.updated_at,
            erased=contact.erased,
        )


@strawberry.type
class ContactPage:
    items: list[Contact]
    next_cursor: str | None = strawberry.field(description="null on the last page")
    total: int | None = strawberry.field(description="when asked for with withTotal")

    @classmethod
    def of(cls, page: cq.ContactPage) -> ContactPage:
        return cls(
            items=[Contact.of(c) for c in page.items],
            next_cursor=page.next_cursor,
            total=page.total,
        )


@strawberry.type
class ContactChangeResult:
    ok: bool
    contact_id: ID
    events: list[str] = strawberry.field(description="wire names of what was recorded")
    contact: Contact | None

    @classmethod
    def of(cls, result: cq.ContactChangeResult) -> ContactChangeResult:
        return cls(
            ok=result.ok,
            contact_id=ID(result.contact_id),
            events=list(result.events),
            contact=Contact.of(result.contact) if result.contact else None,
        )


@strawberry.type
class TimelineItem:
    at: datetime
    kind: str
    summary: str
    detail: JSON
    source: str
    event_id: str


@strawberry.type
class TimelinePage:
    items: list[TimelineItem]
    next_cursor: str | None

    @classmethod
    def of(cls, page: cq.TimelinePage) -> TimelinePage:
        items = [
            TimelineItem(
                at=i.at,
                kind=i.kind,
                summary=i.summary,
                detail=JSON(dict(i.detail)),
                source=i.source,
                event_id=i.event_id,
            )
            for i in page.items
        ]
        return cls(items=items, next_cursor=page.next_cursor)


@strawberry.type
class Segment:
    segment_id: ID
    name: str
    filter: JSON = strawberry.field(description="a SegmentFilter")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, segment: sq.SegmentView) -> Segment:
        return cls(
            segment_id=ID(segment.segment_id),
            name=segment.name,
            filter=json(segment.filter),
            created_at=segment.created_at,
            updated_at=segment.updated_at,
        )


@strawberry.type
class SegmentPage:
    items: list[Segment]
    next_cursor: str | None

    @classmethod
    def of(cls, page: sq.SegmentPage) -> SegmentPage:
        return cls(items=[Segment.of(s) for s in page.items], next_cursor=page.next_cursor)


@strawberry.type
class SegmentChangeResult:
    ok: bool
    segment: Segment | None

    @classmethod
    def of(cls, result: sq.SegmentChangeResult) -> SegmentChangeResult:
        return cls(ok=result.ok, segment=Segment.of(result.segment) if result.segment else None)


@strawberry.type
class SegmentPreview:
    count: int
    by_consent: JSON = strawberry.field(description="opted_in, opted_out, unknown -> count")
    sample: list[ID]
    evaluated_at: datetime

    @classmethod
    def of(cls, preview: sq.SegmentPreview) -> SegmentPreview:
        return cls(
            count=preview.count,
            by_consent=JSON(dict(preview.by_consent)),
            sample=[ID(c) for c in preview.sample],
            evaluated_at=preview.evaluated_at,
        )


@strawberry.type
class ImportTotals:
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int


@strawberry.type
class Import:
    import_id: ID
    file_name: str
    status: str = strawberry.field(description="running, completed or failed")
    dedupe: str
    totals: ImportTotals
    error: str
    started_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: ci.ImportView) -> Import:
        t = job.totals
        return cls(
            import_id=ID(job.import_id),
            file_name=job.file_name,
            status=job.status,
            dedupe=job.dedupe,
            totals=ImportTotals(
                rows=t.rows,
                created=t.created,
                updated=t.updated,
                unchanged=t.unchanged,
                rejected=t.rejected,
            ),
            error=job.error,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )


@strawberry.type
class ImportPage:
    items: list[Import]
    next_cursor: str | None

    @classmethod
    def of(cls, page: ci.ImportPage) -> ImportPage:
        return cls(items=[Import.of(j) for j in page.items], next_cursor=page.next_cursor)


@strawberry.type
class RowError:
    row: int
    column: str
    reason: str


@strawberry.type
class ImportErrorPage:
    items: list[RowError]
    next_cursor: str | None

    @classmethod
    def of(cls, page: ci.ImportErrorPage) -> ImportErrorPage:
        items = [RowError(row=e.row, column=e.column, reason=e.reason) for e in page.items]
        return cls(items=items, next_cursor=page.next_cursor)
