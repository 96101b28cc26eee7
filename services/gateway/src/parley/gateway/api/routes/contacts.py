"""`/api/v1/workspaces/{workspace_id}/contacts`: list, search, CSV export, read, create, edit,
tags, stage, consent, erasure, data export, timeline; and the workspace's custom `fields` and
`consent-keywords` (the STOP words)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.crm.contacts import ContactView, FieldValue, LifecycleStage
from parley.contracts.crm.fields import FIELD_KEY_PATTERN, FieldType
from parley.contracts.crm.queries import (
    ChangeConsentKeywords,
    ChangeContact,
    ChangeField,
    ConsentKeywordsView,
    ContactChangeResult,
    ContactDataExport,
    ContactInput,
    ContactOrder,
    ContactPage,
    EvidenceInput,
    FieldChangeResult,
    FieldList,
    TimelinePage,
)
from parley.contracts.crm.segments import SegmentFilter
from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import ContactsApi
from parley.gateway.application.crm_calls import checked
from parley.gateway.domain import contact_csv

router = APIRouter(prefix="/workspaces/{workspace_id}", tags=["contacts"])

Readers = Annotated[WorkspaceScope, Depends(require("contacts:read"))]
Writers = Annotated[WorkspaceScope, Depends(require("contacts:write"))]
Exporters = Annotated[WorkspaceScope, Depends(require("contacts:export"))]
Erasers = Annotated[WorkspaceScope, Depends(require("contacts:erase"))]
FieldWriters = Annotated[WorkspaceScope, Depends(require("fields:write"))]
ConsentWriters = Annotated[WorkspaceScope, Depends(require("consent:write"))]
ContactIdPath = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_\-]+$")]
FieldKeyPath = Annotated[str, Path(pattern=FIELD_KEY_PATTERN)]
SegmentIdQuery = Annotated[
    str, Query(max_length=64, pattern=r"^[A-Za-z0-9_\-]*$", description="a saved segment")
]
Search = Annotated[str, Query(max_length=100, description="part of the name or of the phone")]
Cursor = Annotated[str, Query(max_length=512, description="next_cursor of the previous page")]


class ContactSearch(BaseModel):
    """A listing narrowed by a filter (or a saved segment, not both) and a search."""

    model_config = ConfigDict(extra="forbid")
    filter: SegmentFilter | None = None
    segment_id: str = Field(default="", max_length=64, pattern=r"^[A-Za-z0-9_\-]*$")
    search: str = Field(default="", max_length=100)
    order: ContactOrder = "created_desc"
    limit: int = Field(default=25, ge=1, le=100)
    cursor: str = Field(default="", max_length=512)
    with_total: bool = False


class NewContact(ContactInput):
    """A phone number (any common notation, stored as E.164) or a WhatsApp user id."""


class ProfileChange(BaseModel):
    """The attributes to change; a field set to null is unset."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=256)
    language: str | None = Field(default=None, max_length=35)
    time_zone: str | None = Field(default=None, max_length=64)
    fields: dict[str, FieldValue | None] = Field(default_factory=dict, max_length=100)


class TagChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    add: tuple[Annotated[str, Field(min_length=1, max_length=64)], ...] = Field(
        default=(), max_length=50
    )
    remove: tuple[Annotated[str, Field(min_length=1, max_length=64)], ...] = Field(
        default=(), max_length=50
    )


class StageChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stage: LifecycleStage


class OptIn(EvidenceInput):
    """The evidence: where they agreed, the wording they were shown, on which channel."""


class OptOut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(default="agent", min_length=1, max_length=200)
    channel: str = Field(default="whatsapp", min_length=1, max_length=64)


class FieldDefinitionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, max_length=100)
    type: FieldType
    choices: tuple[Annotated[str, Field(min_length=1, max_length=100)], ...] = Field(
        default=(), max_length=100
    )


class KeywordsChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    languages: tuple[Annotated[str, Field(min_length=2, max_length=35)], ...] = Field(
        min_length=1, max_length=20
    )
    extra_keywords: tuple[Annotated[str, Field(min_length=1, max_length=64)], ...] = Field(
        default=(), max_length=50
    )


def _change(scope: WorkspaceScope, **fields: Any) -> ChangeContact:
    return checked(ChangeContact, by=scope.actor, **fields)


# -- listing ---------------------------------------------------------------------------------


@router.get("/contacts", summary="List contacts (of a saved segment, matching a search)")
async def list_contacts(
    scope: Readers,
    contacts: ContactsApi,
    segment_id: SegmentIdQuery = "",
    search: Search = "",
    order: Annotated[ContactOrder, Query()] = "created_desc",
    limit: Annotated[int, Query(ge=1, le=100, description="items per page")] = 25,
    cursor: Cursor = "",
    with_total: Annotated[bool, Query(description="count every match too")] = False,
) -> ContactPage:
    return await contacts.list(
        scope.workspace_id,
        segment_id=segment_id,
        search=search,
        order=order,
        limit=limit,
        cursor=cursor,
        with_total=with_total,
    )


@router.post("/contacts/search", summary="List the contacts a segment filter matches")
async def search_contacts(
    scope: Readers, contacts: ContactsApi, body: ContactSearch
) -> ContactPage:
    return await contacts.list(scope.workspace_id, **body.model_dump())


@router.get(
    "/contacts/export.csv",
    summary="Every contact (of a saved segment) as a CSV file, streamed",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "the contacts as CSV"}},
)
async def export_contacts(
    scope: Exporters, contacts: ContactsApi, segment_id: SegmentIdQuery = "", search: Search = ""
) -> StreamingResponse:
    # The field list and the first page are read before the response starts, so a missing
    # segment or a service that is down is still a problem response, not a truncated file.
    keys = [f.key for f in (await contacts.fields(scope.workspace_id)).fields]
    pages = contacts.pages(scope.workspace_id, segment_id=segment_id, search=search)
    first = await anext(pages)

    async def csv_lines() -> AsyncIterator[bytes]:
        yield contact_csv.lines([contact_csv.header(keys)])
        yield contact_csv.page_lines(first.items, keys)
        async for page in pages:
            yield contact_csv.page_lines(page.items, keys)

    name = f"contacts-{segment_id}.csv" if segment_id else "contacts.csv"
    return StreamingResponse(
        csv_lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# -- one contact -----------------------------------------------------------------------------


@router.post("/contacts", status_code=201, summary="Create a contact")
async def create_contact(
    scope: Writers, contacts: ContactsApi, body: NewContact
) -> ContactChangeResult:
    contact = checked(ContactInput, **body.model_dump())
    return await contacts.change(
        scope.workspace_id, _change(scope, action="create", contact=contact, source="api")
    )


@router.get("/contacts/{contact_id}", summary="A contact")
async def get_contact(
    scope: Readers, contacts: ContactsApi, contact_id: ContactIdPath
) -> ContactView:
    return await contacts.get(scope.workspace_id, contact_id)


@router.patch("/contacts/{contact_id}", summary="Change a contact's profile and fields")
async def update_contact(
    scope: Writers, contacts: ContactsApi, contact_id: ContactIdPath, body: ProfileChange
) -> ContactChangeResult:
    contact = checked(ContactInput, **body.model_dump(exclude_unset=True))
    change = _change(scope, action="update", contact_id=contact_id, contact=contact)
    return await contacts.change(scope.workspace_id, change)


@router.post("/contacts/{contact_id}/tags", summary="Add and remove tags")
async def tag_contact(
    scope: Writers, contacts: ContactsApi, contact_id: ContactIdPath, body: TagChange
) -> ContactChangeResult:
    change = _change(
        scope, action="tag", contact_id=contact_id, add_tags=body.add, remove_tags=body.remove
    )
    return await contacts.change(scope.workspace_id, change)


@router.put("/contacts/{contact_id}/stage", summary="Move a contact to a lifecycle stage")
async def set_stage(
    scope: Writers, contacts: ContactsApi, contact_id: ContactIdPath, body: StageChange
) -> ContactChangeResult:
    change = _change(scope, action="set_stage", contact_id=contact_id, stage=body.stage)
    return await contacts.change(scope.workspace_id, change)


@router.post("/contacts/{contact_id}/opt-in", summary="Record an opt-in with its evidence")
async def opt_in(
    scope: Writers, contacts: ContactsApi, contact_id: ContactIdPath, body: OptIn
) -> ContactChangeResult:
    evidence = checked(EvidenceInput, **body.model_dump())
    change = _change(scope, action="opt_in", contact_id=contact_id, evidence=evidence)
    return await contacts.change(scope.workspace_id, change)


@router.post("/contacts/{contact_id}/opt-out", summary="Record an opt-out: no further sends")
async def opt_out(
    scope: Writers, contacts: ContactsApi, contact_id: ContactIdPath, body: OptOut
) -> ContactChangeResult:
    change = _change(
        scope,
        action="opt_out",
        contact_id=contact_id,
        opt_out_source=body.source,
        channel=body.channel,
    )
    return await contacts.change(scope.workspace_id, change)


@router.delete(
    "/contacts/{contact_id}/personal-data",
    summary="Erase a contact's personal data (only the id and the erasure remain)",
)
async def erase_contact(
    scope: Erasers, contacts: ContactsApi, contact_id: ContactIdPath
) -> ContactChangeResult:
    change = _change(scope, action="erase", contact_id=contact_id)
    return await contacts.change(scope.workspace_id, change)


@router.get("/contacts/{contact_id}/export", summary="Everything held about a contact")
async def export_contact(
    scope: Exporters, contacts: ContactsApi, contact_id: ContactIdPath
) -> ContactDataExport:
    return await contacts.export(scope.workspace_id, contact_id)


@router.get("/contacts/{contact_id}/timeline", summary="A contact's history, oldest first")
async def contact_timeline(
    scope: Readers,
    contacts: ContactsApi,
    contact_id: ContactIdPath,
    limit: Annotated[int, Query(ge=1, le=500, description="items per page")] = 50,
    cursor: Cursor = "",
) -> TimelinePage:
    return await contacts.timeline(scope.workspace_id, contact_id, limit=limit, cursor=cursor)


# -- custom fields and STOP keywords ---------------------------------------------------------


@router.get("/fields", summary="The workspace's custom contact fields")
async def list_fields(scope: Readers, contacts: ContactsApi) -> FieldList:
    return await contacts.fields(scope.workspace_id)


@router.put("/fields/{key}", summary="Define a field, or change its label or choices")
async def define_field(
    scope: FieldWriters, contacts: ContactsApi, key: FieldKeyPath, body: FieldDefinitionInput
) -> FieldChangeResult:
    change = checked(ChangeField, action="define", key=key, **body.model_dump())
    return await contacts.change_field(scope.workspace_id, change)


@router.delete("/fields/{key}", summary="Remove a field and every contact's value of it")
async def remove_field(
    scope: FieldWriters, contacts: ContactsApi, key: FieldKeyPath
) -> FieldChangeResult:
    change = checked(ChangeField, action="remove", key=key)
    return await contacts.change_field(scope.workspace_id, change)


@router.get("/consent-keywords", summary="The words that opt a contact out (STOP, ...)")
async def get_keywords(scope: Readers, contacts: ContactsApi) -> ConsentKeywordsView:
    return await contacts.keywords(scope.workspace_id)


@router.put("/consent-keywords", summary="Set the languages and extra words that opt out")
async def put_keywords(
    scope: ConsentWriters, contacts: ContactsApi, body: KeywordsChange
) -> ConsentKeywordsView:
    change = checked(ChangeConsentKeywords, **body.model_dump())
    return await contacts.change_keywords(scope.workspace_id, change)
