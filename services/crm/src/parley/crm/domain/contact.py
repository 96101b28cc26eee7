"""The contact aggregate, on `crm.evt.<ws>.<contact_id>`: state, evolve, decide.

`decide` checks a command against the state and returns the events it leads to (none when
nothing would change), or raises ContactRefused with a stable code; `evolve` folds an event and
never checks anything, so old logs always replay. Commands carry their own time (`at`), so both
stay pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from parley.contracts.crm.contacts import (
    Consent,
    ConsentEvidence,
    ConsentState,
    ContactSource,
    ContactView,
    FieldValue,
    LifecycleStage,
)
from parley.contracts.crm.events import (
    ContactCreated,
    ContactErased,
    ContactOptedIn,
    ContactOptedOut,
    ContactStageChanged,
    ContactTagsChanged,
    ContactUpdated,
)
from parley.contracts.crm.queries import Problem
from parley.contracts.messages import Message

Dedupe = Literal["skip", "fill", "overwrite"]

CONTACT_INVALID = "CONTACT_INVALID"
CONTACT_EXISTS = "CONTACT_EXISTS"
CONTACT_NOT_FOUND = "CONTACT_NOT_FOUND"
CONTACT_ERASED = "CONTACT_ERASED"


class ContactRefused(Exception):
    """A command the contact's state (or its input) does not allow; `code` is for API clients."""

    def __init__(self, code: str, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.problems: tuple[Problem, ...] = tuple(problems)


@dataclass(frozen=True)
class Contact:
    exists: bool = False
    erased: bool = False
    contact_id: str = ""
    phone: str = ""
    user_id: str = ""
    name: str = ""
    language: str = ""
    time_zone: str = ""
    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    stage: LifecycleStage = "new"
    source: ContactSource = "api"
    consent_state: ConsentState = "unknown"
    opted_in: ConsentEvidence | None = None
    opted_out_at: datetime | None = None
    opted_out_channel: str = ""
    opted_out_source: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    erased_at: datetime | None = None


# -- commands ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewContact:
    """A validated contact to create: phone in E.164 (or a user id), values coerced."""

    contact_id: str
    source: ContactSource
    phone: str = ""
    user_id: str = ""
    name: str = ""
    language: str = ""
    time_zone: str = ""
    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    stage: LifecycleStage = "new"


@dataclass(frozen=True)
class Create:
    contact: NewContact
    at: datetime
    evidence: ConsentEvidence | None = None


@dataclass(frozen=True)
class Update:
    at: datetime
    name: str | None = None
    language: str | None = None
    time_zone: str | None = None
    set_fields: Mapping[str, FieldValue] = field(default_factory=dict)
    unset_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tag:
    at: datetime
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    execution_id: str | None = None


@dataclass(frozen=True)
class SetStage:
    stage: LifecycleStage
    at: datetime


@dataclass(frozen=True)
class OptIn:
    evidence: ConsentEvidence


@dataclass(frozen=True)
class OptOut:
    at: datetime
    channel: str = "whatsapp"
    source: str = ""


@dataclass(frozen=True)
class Erase:
    at: datetime
    by: str = ""


@dataclass(frozen=True)
class Merge:
    """Create the contact, or merge into the existing one by the dedupe rule (imports, leads)."""

    contact: NewContact
    dedupe: Dedupe
    at: datetime
    evidence: ConsentEvidence | None = None
    unset_fields: tuple[str, ...] = ()  # overwrite only: fields the incoming row empties


@dataclass(frozen=True)
class Inbound:
    """The contact wrote in: create them if unknown, and opt them out if it was a STOP word."""

    contact: NewContact
    at: datetime
    channel: str
    stop_word: str | None = None


@dataclass(frozen=True)
class Several:
    """Commands decided in turn as one decision (a flow step that tags and sets fields)."""

    commands: tuple[ContactCommand, ...]


ContactCommand = (
    Create | Update | Tag | SetStage | OptIn | OptOut | Erase | Merge | Inbound | Several
)


# -- evolve -----------------------------------------------------------------------------------


def evolve(state: Contact, event: Message) -> Contact:
    if isinstance(event, ContactCreated):
        return Contact(
            exists=True,
            contact_id=event.contact_id,
            phone=event.phone,
            user_id=event.user_id,
            name=event.name,
            language=event.language,
            time_zone=event.time_zone,
            fields=dict(event.fields),
            tags=event.tags,
            stage=event.stage,
            source=event.source,
            created_at=event.at,
            updated_at=event.at,
        )
    if isinstance(event, ContactUpdated):
        fields = {k: v for k, v in state.fields.items() if k not in event.unset_fields}
        fields.update(event.set_fields)
        return replace(
            state,
            name=state.name if event.name is None else event.name,
            language=state.language if event.language is None else event.language,
            time_zone=state.time_zone if event.time_zone is None else event.time_zone,
            phone=state.phone if event.phone is None else event.phone,
            fields=fields,
            updated_at=event.at,
        )
    if isinstance(event, ContactTagsChanged):
        gone = set(event.removed) | set(event.added)
        kept = tuple(t for t in state.tags if t not in gone)
        return replace(state, tags=kept + event.added, updated_at=event.at)
    if isinstance(event, ContactStageChanged):
        return replace(state, stage=event.stage, updated_at=event.at)
    if isinstance(event, ContactOptedIn):
        return replace(
            state, consent_state="opted_in", opted_in=event.evidence(), updated_at=event.at
        )
    if isinstance(event, ContactOptedOut):
        return replace(
            state,
            consent_state="opted_out",
            opted_out_at=event.at,
            opted_out_channel=event.channel,
            opted_out_source=event.source,
            updated_at=event.at,
        )
    if isinstance(event, ContactErased):
        # Only the id and the fact of the erasure remain (the log itself is purged too).
        return Contact(
            exists=False,
            erased=True,
            contact_id=event.contact_id,
            created_at=state.created_at or event.at,
            updated_at=event.at,
            erased_at=event.at,
        )
    return state


def fold(events: Sequence[Message]) -> Contact:
    state = Contact()
    for event in events:
        state = evolve(state, event)
    return state


# -- decide -----------------------------------------------------------------------------------


def decide(state: Contact, command: ContactCommand) -> list[Message]:
    if isinstance(command, Create):
        return _create(state, command)
    if isinstance(command, Merge):
        return _merge(state, command)
    if isinstance(command, Inbound):
        return _inbound(state, command)
    _must_exist(state)
    if isinstance(command, Several):
        events: list[Message] = []
        for each in command.commands:
            decided = decide(state, each)
            for event in decided:
                state = evolve(state, event)
            events += decided
        return events
    if isinstance(command, Update):
        return _update(state, command)
    if isinstance(command, Tag):
        return _tag(state, command.add, command.remove, command.at, command.execution_id)
    if isinstance(command, SetStage):
        if command.stage == state.stage:
            return []
        return [
            ContactStageChanged(
                contact_id=state.contact_id,
                stage=command.stage,
                previous=state.stage,
                at=command.at,
            )
        ]
    if isinstance(command, OptIn):
        return _opt_in(state, command.evidence)
    if isinstance(command, OptOut):
        return _opt_out(state, command)
    return [ContactErased(contact_id=state.contact_id, at=command.at, by=command.by)]


def _must_exist(state: Contact) -> None:
    if state.erased and not state.exists:
        raise ContactRefused(CONTACT_ERASED, "the contact's personal data was erased")
    if not state.exists:
        raise ContactRefused(CONTACT_NOT_FOUND, "no such contact")


def _created(new: NewContact, at: datetime, evidence: ConsentEvidence | None) -> list[Message]:
    events: list[Message] = [
        ContactCreated(
            contact_id=new.contact_id,
            phone=new.phone,
            user_id=new.user_id,
            name=new.name,
            language=new.language,
            time_zone=new.time_zone,
            fields=dict(new.fields),
            tags=new.tags,
            stage=new.stage,
            source=new.source,
            at=at,
        )
    ]
    if evidence is not None:
        events.append(_opted_in(new.contact_id, evidence))
    return events


def _create(state: Contact, command: Create) -> list[Message]:
    if state.exists:
        raise ContactRefused(CONTACT_EXISTS, "a contact with this phone number or user id exists")
    _refuse_recreation(state, command.contact.source)
    return _created(command.contact, command.at, command.evidence)


def _refuse_recreation(state: Contact, source: ContactSource) -> None:
    """Someone who asked to be forgotten comes back only by writing in themselves, never from a
    file, a scraper or an API call that still holds their old data."""
    if state.erased and source != "inbound":
        raise ContactRefused(
            CONTACT_ERASED,
            "this contact's personal data was erased; they are added again when they write in",
            [Problem(field="contact", rule="was erased at the person's request")],
        )


def _update(state: Contact, command: Update) -> list[Message]:
    name = _changed(state.name, command.name)
    language = _changed(state.language, command.language)
    time_zone = _changed(state.time_zone, command.time_zone)
    set_fields = {k: v for k, v in command.set_fields.items() if state.fields.get(k) != v}
    unset = tuple(k for k in command.unset_fields if k in state.fields)
    if name is None and language is None and time_zone is None and not set_fields and not unset:
        return []
    return [
        ContactUpdated(
            contact_id=state.contact_id,
            name=name,
            language=language,
            time_zone=time_zone,
            set_fields=set_fields,
            unset_fields=unset,
            at=command.at,
        )
    ]


def _changed(current: str, wanted: str | None) -> str | None:
    return None if wanted is None or wanted == current else wanted


def _tag(
    state: Contact,
    add: Sequence[str],
    remove: Sequence[str],
    at: datetime,
    execution_id: str | None = None,
) -> list[Message]:
    # Removals first, then additions: a tag in both lists ends up present (as UpdateContact says).
    adding = set(add)
    removed = tuple(t for t in dict.fromkeys(remove) if t in state.tags and t not in adding)
    added = tuple(t for t in dict.fromkeys(add) if t not in state.tags)
    if not added and not removed:
        return []
    return [
        ContactTagsChanged(
            contact_id=state.contact_id,
            added=added,
            removed=removed,
            at=at,
            execution_id=execution_id,
        )
    ]


def _opted_in(contact_id: str, evidence: ConsentEvidence) -> ContactOptedIn:
    return ContactOptedIn(
        contact_id=contact_id,
        at=evidence.at,
        source=evidence.source,
        wording=evidence.wording,
        channel=evidence.channel,
    )


def _opt_in(state: Contact, evidence: ConsentEvidence) -> list[Message]:
    if state.consent_state == "opted_in" and state.opted_in is not None:
        same = (state.opted_in.source, state.opted_in.wording, state.opted_in.channel)
        if same == (evidence.source, evidence.wording, evidence.channel):
            return []
    return [_opted_in(state.contact_id, evidence)]


def _opt_out(state: Contact, command: OptOut) -> list[Message]:
    if state.consent_state == "opted_out":
        return []
    return [
        ContactOptedOut(
            contact_id=state.contact_id,
            channel=command.channel,
            at=command.at,
            source=command.source,
        )
    ]


def _inbound(state: Contact, command: Inbound) -> list[Message]:
    events: list[Message] = []
    if not state.exists:
        events += _created(command.contact, command.at, None)
    stopped = state.exists and state.consent_state == "opted_out"
    if command.stop_word is not None and not stopped:
        events.append(
            ContactOptedOut(
                contact_id=command.contact.contact_id,
                channel=command.channel,
                at=command.at,
                source=f"keyword {command.stop_word}",
            )
        )
    return events


def _merge(state: Contact, command: Merge) -> list[Message]:
    new = command.contact
    if not state.exists:
        _refuse_recreation(state, new.source)
        return _created(new, command.at, command.evidence)
    events: list[Message] = []
    if command.dedupe != "skip":
        fill = command.dedupe == "fill"
        update = Update(
            at=command.at,
            name=_merged(state.name, new.name, fill),
            language=_merged(state.language, new.language, fill),
            time_zone=_merged(state.time_zone, new.time_zone, fill),
            set_fields={k: v for k, v in new.fields.items() if not (fill and k in state.fields)},
            unset_fields=() if fill else command.unset_fields,
        )
        events += _update(state, update)
        stage_given = new.stage != "new"
        if stage_given and (not fill or state.stage == "new") and new.stage != state.stage:
            events.append(
                ContactStageChanged(
                    contact_id=state.contact_id,
                    stage=new.stage,
                    previous=state.stage,
                    at=command.at,
                )
            )
    events += _tag(state, new.tags, (), command.at)
    # An import's evidence never overrides a recorded choice: not an opt-out, not an opt-in.
    if command.evidence is not None and state.consent_state == "unknown":
        events.append(_opted_in(state.contact_id, command.evidence))
    return events


def _merged(current: str, incoming: str, fill: bool) -> str | None:
    if not incoming:
        return None  # not given: never blanks what is there
    if fill and current:
        return None
    return incoming


# -- views ------------------------------------------------------------------------------------


def view(state: Contact, fallback_at: datetime) -> ContactView:
    """The state as the API shows it (before the read model catches up)."""
    return ContactView(
        contact_id=state.contact_id,
        phone=state.phone,
        user_id=state.user_id,
        name=state.name,
        language=state.language,
        time_zone=state.time_zone,
        fields=dict(state.fields),
        tags=state.tags,
        stage=state.stage,
        source=state.source,
        consent=Consent(
            state=state.consent_state,
            opted_in=state.opted_in,
            opted_out_at=state.opted_out_at,
            opted_out_channel=state.opted_out_channel,
            opted_out_source=state.opted_out_source,
        ),
        created_at=state.created_at or fallback_at,
        updated_at=state.updated_at or fallback_at,
        erased=state.erased and not state.exists,
    )
