"""Carries out `crm.UpdateContact` from flows: tags added and removed, fields set.

A flow cannot be asked to fix its input once it has moved on, so nothing here fails the command
forever: a field that is not defined, or a value its type refuses, is logged and skipped, and the
rest applies. The command id names the event ids, so a redelivered command changes nothing more.
"""

from __future__ import annotations

from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.crm.commands import UpdateContact
from parley.contracts.crm.contacts import FieldValue
from parley.contracts.envelope import Envelope
from parley.contracts.registry import registry
from parley.contracts.streams import CRM
from parley.crm.adapters.aggregates import contact_subject
from parley.crm.adapters.contact_writer import contact_aggregates
from parley.crm.adapters.settings_store import SettingsStore
from parley.crm.domain.contact import (
    CONTACT_NOT_FOUND,
    ContactRefused,
    Several,
    Tag,
    Update,
)
from parley.crm.domain.field_values import InvalidValue, coerce
from parley.crm.domain.profile import usable_tags
from parley.runtime.consumers import ConsumerSpec, RetryLater
from parley.runtime.eventstore import commits
from parley.runtime.logs import get_logger

log = get_logger("parley.crm.flow_updates")

CONSUMER = ConsumerSpec(
    stream=CRM.name,
    durable="crm-contact-updates",
    filter_subjects=("crm.cmd.>",),
    max_deliver=10,
    lanes=8,
)
# A flow may tag someone a moment before crm has turned their first message into a contact.
_WAIT_FOR_CONTACT = 5  # deliveries
_RETRY_IN = 1.0


class FlowUpdates:
    def __init__(self, nc: NatsClient) -> None:
        self._contacts = contact_aggregates(nc)
        self._settings = SettingsStore(nc)

    async def handle(self, msg: Msg) -> None:
        for envelope in commits.decode(msg.data):
            if envelope.type != UpdateContact.wire_name:
                continue
            command = registry.decode(envelope)
            assert isinstance(command, UpdateContact)
            await self._update(envelope, command, msg.metadata.num_delivered)

    async def _update(self, envelope: Envelope, command: UpdateContact, deliveries: int) -> None:
        ws = envelope.workspace_id
        context = {
            "workspace_id": ws,
            "contact_id": command.contact_id,
            "command": command.command_id,
        }
        at = datetime.now(UTC)
        values = await self._fields(ws, command, context)
        change = Several(
            (
                Update(at=at, set_fields=values),
                Tag(
                    at=at,
                    add=usable_tags(command.add_tags),
                    remove=usable_tags(command.remove_tags),
                    execution_id=command.execution_id,
                ),
            )
        )
        try:
            await self._contacts.run(
                ws,
                contact_subject(ws, command.contact_id),
                change,
                key=f"cmd:{command.command_id}",
                cause=envelope,
            )
        except ContactRefused as refused:
            if refused.code == CONTACT_NOT_FOUND and deliveries < _WAIT_FOR_CONTACT:
                raise RetryLater(_RETRY_IN, "no such contact yet") from None
            log.warning("contact update skipped", reason=str(refused), **context)

    async def _fields(
        self, ws: str, command: UpdateContact, context: dict[str, str]
    ) -> dict[str, FieldValue]:
        if not command.set_fields:
            return {}
        definitions = (await self._settings.load(ws)).fields
        values: dict[str, FieldValue] = {}
        for key, raw in command.set_fields.items():
            definition = definitions.get(key)
            if definition is None:
                log.warning("flow set an undefined field; skipped", field=key, **context)
                continue
            try:
                values[key] = coerce(definition, raw)
            except InvalidValue as bad:
                log.warning("flow set a bad value; skipped", field=key, rule=str(bad), **context)
        return values
