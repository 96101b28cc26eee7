"""The GraphQL fields of contacts, segments and imports (merged into the schema's Query and
Mutation by `schema.py`; the classes are named so, which is how `needs` records the fields).

Arguments are checked by the very request models of the REST routes, so both APIs accept and
refuse the same input, then handed to the same application methods with the same permission.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from parley.contracts.crm.queries import ChangeContact, ContactInput, EvidenceInput
from parley.gateway.api.deps import contacts_of, imports_of, segments_of
from parley.gateway.api.routes import contacts as rest_contacts
from parley.gateway.api.routes import segments as rest_segments
from parley.gateway.graphql.context import Info, actor, field, mutation, needs
from parley.gateway.graphql.crm_types import (
    Contact,
    ContactChangeResult,
    ContactPage,
    Import,
    ImportErrorPage,
    ImportPage,
    Segment,
    SegmentChangeResult,
    SegmentPage,
    SegmentPreview,
    TimelinePage,
)
from parley.gateway.graphql.types import ID


async def _change(info: Info, workspace_id: str, **fields: Any) -> ContactChangeResult:
    by = actor(await info.context.caller())
    change = ChangeContact(by=by, **fields)
    result = await contacts_of(info.context.gateway).change(workspace_id, change)
    return ContactChangeResult.of(result)


def _given(**arguments: Any) -> dict[str, Any]:
    """The arguments a client wrote (null included), without those it left out."""
    return {k: v for k, v in arguments.items() if v is not strawberry.UNSET}


@strawberry.type
class Query:
    @field(description="Contacts, narrowed by a saved segment or a filter, and a search.")
    @needs("contacts:read")
    async def contacts(
        self,
        info: Info,
        workspace_id: ID,
        segment_id: ID | None = None,
        filter: JSON | None = None,
        search: str = "",
        order: str = "created_desc",
        limit: int = 25,
        cursor: str = "",
        with_total: bool = False,
    ) -> ContactPage:
        body = rest_contacts.ContactSearch.model_validate(
            {
                "segment_id": segment_id or "",
                "filter": filter,
                "search": search,
                "order": order,
                "limit": limit,
                "cursor": cursor,
                "with_total": with_total,
            }
        )
        page = await contacts_of(info.context.gateway).list(workspace_id, **body.model_dump())
        return ContactPage.of(page)

    @field(description="One contact.")
    @needs("contacts:read")
    async def contact(self, info: Info, workspace_id: ID, contact_id: ID) -> Contact:
        found = await contacts_of(info.context.gateway).get(workspace_id, contact_id)
        return Contact.of(found)

    @field(description="A contact's history, oldest first.")
    @needs("contacts:read")
    async def contact_timeline(
        self, info: Info, workspace_id: ID, contact_id: ID, limit: int = 50, cursor: str = ""
    ) -> TimelinePage:
        contacts = contacts_of(info.context.gateway)
        page = await contacts.timeline(workspace_id, contact_id, limit=limit, cursor=cursor)
        return TimelinePage.of(page)

    @field(description="Saved segments.")
    @needs("contacts:read")
    async def segments(
        self, info: Info, workspace_id: ID, limit: int = 25, cursor: str = ""
    ) -> SegmentPage:
        page = await segments_of(info.context.gateway).list(
            workspace_id, limit=limit, cursor=cursor
        )
        return SegmentPage.of(page)

    @field(description="A saved segment.")
    @needs("contacts:read")
    async def segment(self, info: Info, workspace_id: ID, segment_id: ID) -> Segment:
        return Segment.of(await segments_of(info.context.gateway).get(workspace_id, segment_id))

    @field(description="How many contacts a saved segment (or a filter) matches now.")
    @needs("contacts:read")
    async def segment_preview(
        self,
        info: Info,
        workspace_id: ID,
        segment_id: ID | None = None,
        filter: JSON | None = None,
        sample: int = 10,
    ) -> SegmentPreview:
        segments = segments_of(info.context.gateway)
        if segment_id:
            preview = await segments.preview(workspace_id, segment_id=segment_id, sample=sample)
        else:
            body = rest_segments.PreviewInput.model_validate(
                {"filter": filter or {}, "sample": sample}
            )
            preview = await segments.preview(workspace_id, filter=body.filter, sample=body.sample)
        return SegmentPreview.of(preview)

    @field(description="Contact imports, newest first.")
    @needs("contacts:read")
    async def imports(
        self, info: Info, workspace_id: ID, limit: int = 25, cursor: str = ""
    ) -> ImportPage:
        page = await imports_of(info.context.gateway).list(workspace_id, limit=limit, cursor=cursor)
        return ImportPage.of(page)

    @field(description="An import's job: status and totals.")
    @needs("contacts:read")
    async def import_job(self, info: Info, workspace_id: ID, import_id: ID) -> Import:
        return Import.of(await imports_of(info.context.gateway).get(workspace_id, import_id))

    @field(description="An import's rejected rows, in row order.")
    @needs("contacts:read")
    async def import_errors(
        self, info: Info, workspace_id: ID, import_id: ID, limit: int = 100, cursor: str = ""
    ) -> ImportErrorPage:
        imports = imports_of(info.context.gateway)
        page = await imports.errors(workspace_id, import_id, limit=limit, cursor=cursor)
        return ImportErrorPage.of(page)


@strawberry.type
class Mutation:
    @mutation(description="Create a contact from a phone number (or a WhatsApp user id).")
    @needs("contacts:write")
    async def create_contact(
        self,
        info: Info,
        workspace_id: ID,
        phone: str = "",
        user_id: str = "",
        name: str | None = None,
        language: str | None = None,
        time_zone: str | None = None,
        fields: JSON | None = None,
        tags: list[str] | None = None,
        stage: str | None = None,
    ) -> ContactChangeResult:
        body = rest_contacts.NewContact.model_validate(
            {
                "phone": phone,
                "user_id": user_id,
                "name": name,
                "language": language,
                "time_zone": time_zone,
                "fields": fields or {},
                "tags": tags or [],
                "stage": stage,
            }
        )
        contact = ContactInput.model_validate(body.model_dump())
        return await _change(info, workspace_id, action="create", contact=contact, source="api")

    @mutation(description="Change a contact's profile and fields (a null field value unsets).")
    @needs("contacts:write")
    async def update_contact(
        self,
        info: Info,
        workspace_id: ID,
        contact_id: ID,
        name: str | None = strawberry.UNSET,
        language: str | None = strawberry.UNSET,
        time_zone: str | None = strawberry.UNSET,
        fields: JSON | None = strawberry.UNSET,
    ) -> ContactChangeResult:
        given = _given(name=name, language=language, time_zone=time_zone, fields=fields)
        body = rest_contacts.ProfileChange.model_validate(given)
        contact = ContactInput.model_validate(body.model_dump(exclude_unset=True))
        return await _change(
            info, workspace_id, action="update", contact_id=contact_id, contact=contact
        )

    @mutation(description="Add and remove tags.")
    @needs("contacts:write")
    async def tag_contact(
        self,
        info: Info,
        workspace_id: ID,
        contact_id: ID,
        add: list[str] | None = None,
        remove: list[str] | None = None,
    ) -> ContactChangeResult:
        body = rest_contacts.TagChange.model_validate({"add": add or [], "remove": remove or []})
        return await _change(
            info,
            workspace_id,
            action="tag",
            contact_id=contact_id,
            add_tags=body.add,
            remove_tags=body.remove,
        )

    @mutation(description="Move a contact to a lifecycle stage.")
    @needs("contacts:write")
    async def set_contact_stage(
        self, info: Info, workspace_id: ID, contact_id: ID, stage: str
    ) -> ContactChangeResult:
        body = rest_contacts.StageChange.model_validate({"stage": stage})
        return await _change(
            info, workspace_id, action="set_stage", contact_id=contact_id, stage=body.stage
        )

    @mutation(description="Record an opt-in with its evidence.")
    @needs("contacts:write")
    async def opt_in_contact(
        self,
        info: Info,
        workspace_id: ID,
        contact_id: ID,
        source: str,
        wording: str = "",
        channel: str = "whatsapp",
    ) -> ContactChangeResult:
        body = rest_contacts.OptIn.model_validate(
            {"source": source, "wording": wording, "channel": channel}
        )
        evidence = EvidenceInput.model_validate(body.model_dump())
        return await _change(
            info, workspace_id, action="opt_in", contact_id=contact_id, evidence=evidence
        )

    @mutation(description="Record an opt-out: no further sends.")
    @needs("contacts:write")
    async def opt_out_contact(
        self,
        info: Info,
        workspace_id: ID,
        contact_id: ID,
        source: str = "agent",
        channel: str = "whatsapp",
    ) -> ContactChangeResult:
        body = rest_contacts.OptOut.model_validate({"source": source, "channel": channel})
        return await _change(
            info,
            workspace_id,
            action="opt_out",
            contact_id=contact_id,
            opt_out_source=body.source,
            channel=body.channel,
        )

    @mutation(description="Erase a contact's personal data (only the id and the erasure remain).")
    @needs("contacts:erase")
    async def erase_contact(
        self, info: Info, workspace_id: ID, contact_id: ID
    ) -> ContactChangeResult:
        return await _change(info, workspace_id, action="erase", contact_id=contact_id)

    @mutation(description="Save a segment: create it, or replace its name and filter.")
    @needs("segments:write")
    async def save_segment(
        self, info: Info, workspace_id: ID, segment_id: ID, name: str, filter: JSON
    ) -> SegmentChangeResult:
        body = rest_segments.SegmentInput.model_validate({"name": name, "filter": filter})
        segments = segments_of(info.context.gateway)
        result = await segments.save(workspace_id, segment_id, body.name, body.filter)
        return SegmentChangeResult.of(result)

    @mutation(description="Delete a segment.")
    @needs("segments:write")
    async def delete_segment(
        self, info: Info, workspace_id: ID, segment_id: ID
    ) -> SegmentChangeResult:
        result = await segments_of(info.context.gateway).delete(workspace_id, segment_id)
        return SegmentChangeResult.of(result)
