"""Contacts from inbound messages: whoever writes in becomes a contact, and a STOP word in the
workspace's languages opts them out (messaging already refused sends at its door; this is the
CRM's record of it, ContactOptedOut).

The event ids derive from the inbound event's id, so a redelivered message records nothing new.
"""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.crm.stop_words import is_stop
from parley.contracts.envelope import Envelope
from parley.contracts.messaging.events import InboundMessageReceived
from parley.contracts.registry import registry
from parley.contracts.streams import MESSAGING
from parley.crm.adapters.aggregates import contact_subject
from parley.crm.adapters.contact_writer import contact_aggregates
from parley.crm.adapters.settings_store import SettingsStore
from parley.crm.domain.contact import ContactRefused, Inbound, NewContact
from parley.crm.domain.phones import InvalidPhone, parse_phone
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore import commits
from parley.runtime.logs import get_logger

log = get_logger("parley.crm.inbound")

CONSUMER = ConsumerSpec(
    stream=MESSAGING.name,
    durable="crm-inbound-contacts",
    filter_subjects=("messaging.evt.>",),
    max_deliver=10,
    fetch_batch=128,
    lanes=8,  # one subject per contact: their messages stay in order
)


class InboundContacts:
    def __init__(self, nc: NatsClient) -> None:
        self._contacts = contact_aggregates(nc)
        self._settings = SettingsStore(nc)

    async def handle(self, msg: Msg) -> None:
        types = commits.types_of(msg.headers)
        if types is not None and InboundMessageReceived.wire_name not in types:
            return  # sends, statuses, health: not ours
        for envelope in commits.decode(msg.data):
            if envelope.type == InboundMessageReceived.wire_name:
                event = registry.decode(envelope)
                assert isinstance(event, InboundMessageReceived)
                await self._inbound(envelope, event)

    async def _inbound(self, envelope: Envelope, event: InboundMessageReceived) -> None:
        ws = envelope.workspace_id
        phone = ""
        if event.phone:
            try:
                phone = parse_phone(event.phone, trusted=True).e164
            except InvalidPhone as bad:
                log.warning("inbound sender's number unusable", workspace_id=ws, error=str(bad))
        # A sender without a shared number is known by their WhatsApp (business-scoped) user id.
        user_id = "" if phone else event.user_id
        stop_word = None
        if event.text:
            settings = await self._settings.load(ws)
            stop_word = is_stop(event.text, settings.keywords.words())
        command = Inbound(
            contact=NewContact(
                contact_id=event.contact_id,
                source="inbound",
                phone=phone,
                user_id=user_id,
                name=event.profile_name.strip(),
            ),
            at=event.at,
            channel=event.channel_id,
            stop_word=stop_word,
        )
        subject = contact_subject(ws, event.contact_id)
        try:
            decided = await self._contacts.run(
                ws, subject, command, key=f"inbound:{envelope.event_id}", cause=envelope
            )
        except ContactRefused as refused:  # not expected for inbound; never block the stream
            log.warning("inbound contact refused", workspace_id=ws, error=str(refused))
            return
        if stop_word is not None and decided.events:
            log.info(
                "contact opted out by keyword",
                workspace_id=ws,
                contact_id=event.contact_id,
                keyword=stop_word,
            )
