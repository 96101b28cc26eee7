"""What follows a change of an account: its workspaces' entitlements are written to KV, and a
payment grace period gets its durable timer.

The account is read again from its log rather than taken from the event, so a redelivered or
late event can never write an older plan over a newer one.
"""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.billing.adapters.account_store import AccountStore
from parley.billing.adapters.entitlements_store import EntitlementsStore
from parley.contracts.billing.commands import CheckGrace
from parley.contracts.billing.events import AccountChanged
from parley.contracts.envelope import Envelope
from parley.contracts.streams import BILLING
from parley.runtime import timers
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.commits import handled_envelopes
from parley.runtime.logs import get_logger

log = get_logger("parley.billing.accounts")

CONSUMER = ConsumerSpec(
    stream=BILLING.name,
    durable="billing-account-effects",
    filter_subjects=("billing.evt.*.account",),
    max_deliver=20,
    lanes=8,
)
GRACE_TIMER = "grace"


class AccountEffects:
    def __init__(self, nc: NatsClient, accounts: AccountStore, entitlements: EntitlementsStore):
        self._nc = nc
        self._accounts = accounts
        self._entitlements = entitlements

    async def handle(self, msg: Msg) -> None:
        for envelope in handled_envelopes(
            msg.headers, msg.data, frozenset({AccountChanged.wire_name})
        ):
            await self._follow(envelope)

    async def _follow(self, envelope: Envelope) -> None:
        org = envelope.workspace_id  # billing's tenant token is the organization
        account = await self._accounts.current(org)
        if account is None:
            return
        entitlements = await self._entitlements.write(account)
        log.info(
            "entitlements written",
            organization_id=org,
            plan=entitlements.plan,
            status=entitlements.status,
            workspaces=len(account.workspaces),
        )
        if account.status == "past_due" and account.grace_until is not None:
            timer = Envelope.wrap(
                CheckGrace(organization_id=org, grace_until=account.grace_until),
                workspace_id=org,
            )
            await timers.schedule(
                self._nc.jetstream(),
                context="billing",
                timer_id=GRACE_TIMER,
                fire_at=account.grace_until,
                envelope=timer,
            )
        else:
            await timers.cancel(
                self._nc.jetstream(), context="billing", workspace_id=org, timer_id=GRACE_TIMER
            )
