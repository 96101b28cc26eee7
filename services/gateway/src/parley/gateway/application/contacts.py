"""Contacts, their custom fields and the STOP keywords, as REST and GraphQL both expose them.

Reads come from crm's read model (they may lag a change by a moment); changes go through crm's
`change-contact`, `change-field` and `change-consent-keywords`, which decide on the contact's
own log and answer what was recorded or, refused, each field and the rule it broke.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from parley.contracts.crm.contacts import ContactView
from parley.contracts.crm.queries import (
    ChangeConsentKeywords,
    ChangeContact,
    ChangeField,
    ConsentKeywordsView,
    ContactChangeResult,
    ContactDataExport,
    ContactOrder,
    ContactPage,
    ContactReply,
    ExportContactData,
    FieldChangeResult,
    FieldList,
    GetConsentKeywords,
    GetContact,
    GetContactTimeline,
    ListContacts,
    ListFields,
    TimelinePage,
)
from parley.contracts.crm.segments import SegmentFilter
from parley.gateway.adapters.services import Services
from parley.gateway.application.crm_calls import ask_crm, checked, refused

# What a refused change is over HTTP.
_CONTACT_STATUS = {
    "CONTACT_INVALID": 422,
    "CONTACT_EXISTS": 409,
    "CONTACT_NOT_FOUND": 404,
    "CONTACT_ERASED": 409,
}
_FIELD_STATUS = {"FIELD_INVALID": 422, "FIELD_NOT_FOUND": 404, "FIELD_TYPE_FIXED": 409}
# The request's names of what the APIs take flat: `contact.phone` is the body's `phone`.
_NESTED = ("contact.", "evidence.")
_RENAMED = {"add_tags": "add", "remove_tags": "remove", "opt_out_source": "source"}
# The CSV export reads the list a page at a time: never the whole list in memory.
EXPORT_PAGE = 1000


def api_field(field: str) -> str:
    """A problem's field in ChangeContact's terms, as the REST body and GraphQL name it."""
    for prefix in _NESTED:
        if field.startswith(prefix):
            return field.removeprefix(prefix)
    head, dot, rest = field.partition(".")
    return _RENAMED.get(head, head) + dot + rest


class Contacts:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def list(
        self,
        workspace_id: str,
        *,
        filter: SegmentFilter | None = None,
        segment_id: str = "",
        search: str = "",
        order: ContactOrder = "created_desc",
        limit: int = 25,
        cursor: str = "",
        with_total: bool = False,
    ) -> ContactPage:
        query = checked(
            ListContacts,
            filter=filter,
            segment_id=segment_id,
            search=search,
            order=order,
            limit=limit,
            cursor=cursor,
            with_total=with_total,
        )
        what, ident = ("segment", segment_id) if segment_id else ("contacts", "")
        return await ask_crm(
            self._services, workspace_id, query, ContactPage, what=what, ident=ident
        )

    async def pages(
        self, workspace_id: str, *, segment_id: str = "", search: str = ""
    ) -> AsyncIterator[ContactPage]:
        """Every page of a listing in creation order, asked for one after the other."""
        cursor = ""
        while True:
            page = await self.list(
                workspace_id,
                segment_id=segment_id,
                search=search,
                order="created_asc",
                limit=EXPORT_PAGE,
                cursor=cursor,
            )
            yield page
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    async def get(self, workspace_id: str, contact_id: str) -> ContactView:
        query = checked(GetContact, contact_id=contact_id)
        found = await ask_crm(
            self._services, workspace_id, query, ContactReply, what="contact", ident=contact_id
        )
        return found.contact

    async def change(self, workspace_id: str, change: ChangeContact) -> ContactChangeResult:
        """Apply a change; a refusal is raised as a Problem naming each field and rule."""
        result = await ask_crm(
            self._services,
            workspace_id,
            change,
            ContactChangeResult,
            what="contact",
            ident=change.contact_id,
        )
        if result.ok:
            return result
        raise refused(
            result.code,
            result.message,
            ((api_field(p.field), p.rule) for p in result.problems),
            _CONTACT_STATUS,
            fallback=f"the contact was not changed ({change.action})",
        )

    async def timeline(
        self, workspace_id: str, contact_id: str, *, limit: int, cursor: str
    ) -> TimelinePage:
        # crm answers an empty page for a contact it does not hold in the workspace; the API
        # answers 404 for it, as for every other id that is not the caller's.
        await self.get(workspace_id, contact_id)
        query = checked(GetContactTimeline, contact_id=contact_id, limit=limit, cursor=cursor)
        return await ask_crm(
            self._services, workspace_id, query, TimelinePage, what="contact", ident=contact_id
        )

    async def export(self, workspace_id: str, contact_id: str) -> ContactDataExport:
        query = checked(ExportContactData, contact_id=contact_id)
        return await ask_crm(
            self._services, workspace_id, query, ContactDataExport, what="contact", ident=contact_id
        )

    # -- custom fields ----------------------------------------------------------------------

    async def fields(self, workspace_id: str) -> FieldList:
        return await ask_crm(
            self._services, workspace_id, ListFields(), FieldList, what="fields", ident=""
        )

    async def change_field(self, workspace_id: str, change: ChangeField) -> FieldChangeResult:
        result = await ask_crm(
            self._services, workspace_id, change, FieldChangeResult, what="field", ident=change.key
        )
        if result.ok:
            return result
        raise refused(
            result.code,
            result.message,
            ((p.field, p.rule) for p in result.problems),
            _FIELD_STATUS,
            fallback=f"the field {change.key!r} was not changed",
        )

    # -- STOP keywords ----------------------------------------------------------------------

    async def keywords(self, workspace_id: str) -> ConsentKeywordsView:
        return await ask_crm(
            self._services,
            workspace_id,
            GetConsentKeywords(),
            ConsentKeywordsView,
            what="keywords",
            ident="",
        )

    async def change_keywords(
        self, workspace_id: str, change: ChangeConsentKeywords
    ) -> ConsentKeywordsView:
        result = await ask_crm(
            self._services, workspace_id, change, ConsentKeywordsView, what="keywords", ident=""
        )
        if result.ok:
            return result
        raise refused(
            result.code,
            result.message,
            ((p.field, p.rule) for p in result.problems),
            {},
            fallback="the consent keywords were not changed",
        )
