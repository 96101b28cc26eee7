"""Answers `crm.ChangeContact`: every action on a contact, decided on the contact's own log.

The log is the only state consulted (never the read model, which may lag), and each append
carries the expected sequence, so two agents changing one contact at once cannot both win
silently. The reply's `contact` is the state just decided, before the read model has it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NoReturn

from nats.aio.client import Client as NatsClient

from parley.contracts.crm.contacts import ConsentEvidence
from parley.contracts.crm.events import ContactErased
from parley.contracts.crm.queries import ChangeContact, ContactChangeResult, Problem
from parley.contracts.ids import new_id
from parley.contracts.subjects import InvalidSubjectToken
from parley.crm.adapters.aggregates import contact_subject
from parley.crm.adapters.contact_writer import contact_aggregates
from parley.crm.adapters.erasure import purge_before
from parley.crm.adapters.settings_store import SettingsStore
from parley.crm.domain import profile
from parley.crm.domain.contact import (
    CONTACT_INVALID,
    ContactCommand,
    ContactRefused,
    Create,
    Erase,
    OptIn,
    OptOut,
    SetStage,
    Tag,
    view,
)
from parley.crm.domain.contact_input import new_contact, profile_update, refuse_if
from parley.runtime.logs import get_logger

log = get_logger("parley.crm.contacts")


class ContactCommands:
    def __init__(self, nc: NatsClient, *, default_region: str = "") -> None:
        self._nc = nc
        self._contacts = contact_aggregates(nc)
        self._settings = SettingsStore(nc)
        self._region = default_region

    async def answer(self, workspace_id: str, request: ChangeContact) -> ContactChangeResult:
        try:
            return await self._answer(workspace_id, request)
        except ContactRefused as refused:
            return ContactChangeResult(
                ok=False,
                contact_id=request.contact_id,
                code=refused.code,
                message=str(refused),
                problems=refused.problems,
            )

    async def _answer(self, workspace_id: str, request: ChangeContact) -> ContactChangeResult:
        at = datetime.now(UTC)
        command = await self._command(workspace_id, request, at)
        contact_id = (
            command.contact.contact_id if isinstance(command, Create) else request.contact_id
        )
        try:
            subject = contact_subject(workspace_id, contact_id)
        except InvalidSubjectToken:
            _refuse("contact_id", "is not a contact id (letters, digits, '_' or '-')")
        if isinstance(command, Erase):
            return await self._erase(workspace_id, subject, contact_id, command)
        decided = await self._contacts.run(workspace_id, subject, command, key=str(new_id()))
        return ContactChangeResult(
            ok=True,
            contact_id=contact_id,
            events=tuple(e.type for e in decided.events),
            contact=view(decided.state, at),
        )

    async def _command(
        self, workspace_id: str, request: ChangeContact, at: datetime
    ) -> ContactCommand:
        action = request.action
        if action == "create":
            if request.contact is None:
                _refuse("contact", "is required to create a contact")
            settings = await self._settings.load(workspace_id)
            new = new_contact(
                workspace_id,
                request.contact,
                source=request.source,
                definitions=settings.fields,
                default_region=self._region,
            )
            return Create(contact=new, at=at, evidence=_evidence(request, at))
        if not request.contact_id:
            _refuse("contact_id", f"is required to {action} a contact")
        if action == "update":
            if request.contact is None:
                _refuse("contact", "is required to update a contact")
            settings = await self._settings.load(workspace_id)
            return profile_update(request.contact, settings.fields, at)
        if action == "tag":
            problems: list[Problem] = []
            add = profile.tags(request.add_tags, "add_tags", problems)
            remove = profile.tags(request.remove_tags, "remove_tags", problems)
            if not request.add_tags and not request.remove_tags:
                problems.append(Problem(field="add_tags", rule="name a tag to add or remove"))
            refuse_if(problems, "request")
            return Tag(at=at, add=add, remove=remove)
        if action == "set_stage":
            if request.stage is None:
                _refuse("stage", "is required to set the stage")
            return SetStage(stage=request.stage, at=at)
        if action == "opt_in":
            evidence = _evidence(request, at)
            if evidence is None:
                _refuse("evidence", "is required: where and how they agreed")
            return OptIn(evidence=evidence)
        if action == "opt_out":
            source = request.opt_out_source or (f"agent {request.by}" if request.by else "api")
            return OptOut(at=at, channel=request.channel, source=source)
        return Erase(at=at, by=request.by)

    async def _erase(
        self, workspace_id: str, subject: str, contact_id: str, command: Erase
    ) -> ContactChangeResult:
        state, _ = await self._contacts.load(subject)
        if state.erased and not state.exists:
            # Asked again (or the purge after the first erasure did not happen): purge again.
            events = await self._contacts.store.load(subject)
            erased = [e for e in events if isinstance(e.message, ContactErased)]
            if erased:
                await purge_before(self._nc, subject, erased[-1].sequence)
            return ContactChangeResult(
                ok=True, contact_id=contact_id, contact=view(state, command.at)
            )
        decided = await self._contacts.run(workspace_id, subject, command, key=str(new_id()))
        assert decided.result is not None
        await purge_before(self._nc, subject, decided.result.last_sequence)
        log.info("contact erased", workspace_id=workspace_id, contact_id=contact_id)
        return ContactChangeResult(
            ok=True,
            contact_id=contact_id,
            events=tuple(e.type for e in decided.events),
            contact=view(decided.state, command.at),
        )


def _evidence(request: ChangeContact, at: datetime) -> ConsentEvidence | None:
    if request.evidence is None:
        return None
    return ConsentEvidence(
        source=request.evidence.source,
        at=at,
        wording=request.evidence.wording,
        channel=request.evidence.channel,
    )


def _refuse(field: str, rule: str) -> NoReturn:
    raise ContactRefused(CONTACT_INVALID, f"{field} {rule}", [Problem(field=field, rule=rule)])
