"""A contact's erasure, as messaging honours it: what it holds about them is dropped.

- the conversation record loses their WhatsApp id and window (the opt-out is kept, so an erased
  person who said STOP is never messaged again by mistake);
- the sandbox simulator's conversation with them is deleted;
- their inbound messages (`messaging.evt.<ws>.<contact_id>`) are purged from the stream, so no
  read model rebuilt later, in any service, can bring the texts back.

Status events (on the send's subject) carry only ids. The SendMessage commands themselves stay in
the stream: see docs/architecture.md §12 for that limit.
"""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.crm.events import ContactErased
from parley.contracts.envelope import Envelope
from parley.contracts.registry import registry
from parley.contracts.streams import CRM, MESSAGING
from parley.contracts.subjects import event_subject
from parley.messaging.adapters.contacts import Conversations
from parley.messaging.adapters.sandbox_store import SandboxStore
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.commits import handled_envelopes
from parley.runtime.logs import get_logger

log = get_logger(__name__)

CONSUMER = ConsumerSpec(
    stream=CRM.name,
    durable="messaging-erasures",
    filter_subjects=("crm.evt.>",),
    lanes=4,
)


_HANDLED = frozenset({ContactErased.wire_name})


class Erasures:
    def __init__(self, nc: NatsClient, conversations: Conversations, sandbox: SandboxStore) -> None:
        self._nc = nc
        self._conversations = conversations
        self._sandbox = sandbox

    async def handle(self, msg: Msg) -> None:
        for envelope in handled_envelopes(msg.headers, msg.data, _HANDLED):
            await self._erase(envelope)

    async def _erase(self, envelope: Envelope) -> None:
        event = registry.decode(envelope)
        assert isinstance(event, ContactErased)
        ws = envelope.workspace_id
        # Each step is idempotent, so a redelivery after a crash part-way just does it again.
        wa_id = await self._conversations.forget(ws, event.contact_id)
        removed = await self._sandbox.forget(ws, wa_id) if wa_id else 0
        await self._nc.jetstream().purge_stream(
            MESSAGING.name, subject=event_subject("messaging", ws, event.contact_id)
        )
        log.info(
            "contact erased",
            workspace_id=ws,
            contact_id=event.contact_id,
            sandbox_messages=removed,
        )
