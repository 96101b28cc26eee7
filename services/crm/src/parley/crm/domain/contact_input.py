"""From a ContactInput (what the API, a file or a lead says) to a validated contact command.

The contact's key is its phone number's digits (the wa_id) or, for a WhatsApp user who shares no
number, the user id; `contact_id_for(workspace, key)` makes the id every service agrees on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from parley.contracts.crm.contacts import ContactSource, FieldValue
from parley.contracts.crm.fields import FieldDefinition
from parley.contracts.crm.queries import ContactInput, Problem
from parley.contracts.ids import contact_id_for
from parley.crm.domain import profile
from parley.crm.domain.contact import CONTACT_INVALID, ContactRefused, NewContact, Update
from parley.crm.domain.phones import InvalidPhone, parse_phone

_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_USER_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")


def contact_key(phone: str, user_id: str) -> str:
    """`phone` in E.164 (with its '+'), or "" and a user id."""
    return phone[1:] if phone else user_id


def contact_id_of(workspace_id: str, phone: str, user_id: str) -> str:
    return contact_id_for(workspace_id, contact_key(phone, user_id))


def refuse_if(problems: list[Problem], what: str = "contact") -> None:
    if problems:
        raise ContactRefused(
            CONTACT_INVALID, f"the {what} has {len(problems)} invalid field(s)", problems
        )


def new_contact(
    workspace_id: str,
    incoming: ContactInput,
    *,
    source: ContactSource,
    definitions: Mapping[str, FieldDefinition],
    default_region: str = "",
) -> NewContact:
    """A contact from the API: the phone in any notation, values coerced and checked."""
    problems: list[Problem] = []
    phone = ""
    if incoming.phone.strip():
        try:
            phone = parse_phone(incoming.phone, default_region).e164
        except InvalidPhone as bad:
            problems.append(Problem(field="contact.phone", rule=str(bad)))
    user_id = _user_id(incoming, problems)
    if not incoming.phone.strip() and not user_id:
        problems.append(
            Problem(field="contact.phone", rule="a phone number or a user_id is needed")
        )
    values, _ = profile.field_values(incoming.fields, definitions, problems)
    new = _new(workspace_id, incoming, source, phone, user_id, values, problems)
    refuse_if(problems)
    return new


def trusted_new(workspace_id: str, incoming: ContactInput, *, source: ContactSource) -> NewContact:
    """A contact whose phone is already E.164 and whose field values are already coerced (the
    importer did both against the workspace's definitions); only the cheap checks remain."""
    problems: list[Problem] = []
    phone = incoming.phone.strip()
    if phone and not _E164.match(phone):
        problems.append(Problem(field="contact.phone", rule="must be E.164, e.g. +351912345678"))
    user_id = _user_id(incoming, problems)
    if not phone and not user_id:
        problems.append(
            Problem(field="contact.phone", rule="a phone number or a user_id is needed")
        )
    values = {k: v for k, v in incoming.fields.items() if v is not None}
    new = _new(workspace_id, incoming, source, phone, user_id, values, problems)
    refuse_if(problems)
    return new


def _user_id(incoming: ContactInput, problems: list[Problem]) -> str:
    user_id = incoming.user_id.strip()
    if user_id and not _USER_ID.match(user_id):
        problems.append(
            Problem(field="contact.user_id", rule="must be letters, digits, '.', '_' or '-'")
        )
        return ""
    return user_id


def _new(
    workspace_id: str,
    incoming: ContactInput,
    source: ContactSource,
    phone: str,
    user_id: str,
    values: Mapping[str, FieldValue],
    problems: list[Problem],
) -> NewContact:
    tags = profile.tags(incoming.tags, "contact.tags", problems)
    language = profile.language(incoming.language or "", "contact.language", problems)
    time_zone = profile.time_zone(incoming.time_zone or "", "contact.time_zone", problems)
    key = contact_key(phone, user_id)
    return NewContact(
        contact_id=contact_id_for(workspace_id, key) if key else "",
        source=source,
        phone=phone,
        user_id="" if phone else user_id,
        name=(incoming.name or "").strip(),
        language=language,
        time_zone=time_zone,
        fields=dict(values),
        tags=tags,
        stage=incoming.stage or "new",
    )


def profile_update(
    incoming: ContactInput, definitions: Mapping[str, FieldDefinition], at: datetime
) -> Update:
    """An `update` from the API: None leaves an attribute as it is, a None field value unsets."""
    problems: list[Problem] = []
    if incoming.phone or incoming.user_id:
        problems.append(
            Problem(field="contact.phone", rule="cannot change: it is the contact's identity")
        )
    language = (
        None
        if incoming.language is None
        else profile.language(incoming.language, "contact.language", problems)
    )
    time_zone = (
        None
        if incoming.time_zone is None
        else profile.time_zone(incoming.time_zone, "contact.time_zone", problems)
    )
    values, unset = profile.field_values(incoming.fields, definitions, problems)
    if incoming.tags or incoming.stage is not None:
        problems.append(
            Problem(field="contact.tags", rule="use the tag and set_stage actions for these")
        )
    refuse_if(problems)
    return Update(
        at=at,
        name=None if incoming.name is None else incoming.name.strip(),
        language=language,
        time_zone=time_zone,
        set_fields=values,
        unset_fields=unset,
    )
