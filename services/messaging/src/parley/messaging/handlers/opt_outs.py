"""crm's consent events projected into the conversations messaging checks on every send."""

from __future__ import annotations

from nats.aio.msg import Msg

from parley.contracts.crm.events import ContactOptedIn, ContactOptedOut
from parley.contracts.envelope import Envelope
from parley.contracts.registry import registry
from parley.contracts.streams import CRM
from parley.messaging.adapters.contacts import Conversations
from parley.messaging.handlers.watchdog import Watchdog
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.commits import handled_envelopes

CONSUMER = ConsumerSpec(
    stream=CRM.name,
    durable="messaging-consent",
    filter_subjects=("crm.evt.>",),
    lanes=16,
)


_HANDLED = frozenset({ContactOptedOut.wire_name, ContactOptedIn.wire_name})


class OptOuts:
    def __init__(self, conversations: Conversations, watchdog: Watchdog) -> None:
        self._conversations = conversations
        self._watchdog = watchdog

    async def handle(self, msg: Msg) -> None:
        for envelope in handled_envelopes(msg.headers, msg.data, _HANDLED):
            await self._apply(envelope)

    async def _apply(self, envelope: Envelope) -> None:
        event = registry.decode(envelope)
        ws = envelope.workspace_id
        if isinstance(event, ContactOptedOut):
            await self._conversations.set_opt_out(ws, event.contact_id, True, event.at)
            conversation = await self._conversations.get(ws, event.contact_id)
            if conversation is not None and conversation.channel_id:
                await self._watchdog.record(ws, conversation.channel_id, opt_outs=1)
        elif isinstance(event, ContactOptedIn):
            await self._conversations.set_opt_out(ws, event.contact_id, False, event.at)
