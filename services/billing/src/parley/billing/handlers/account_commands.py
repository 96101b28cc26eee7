"""Commands to accounts: the gateway's `billing.RegisterWorkspace` on `billing.cmd.<org>.account`,
and the grace timer's `billing.CheckGrace` firing on `timer.fire.billing.<org>.grace`."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid5

from nats.aio.msg import Msg

from parley.billing.adapters.account_store import AccountStore
from parley.billing.domain.account import ExpireGrace
from parley.billing.domain.account import RegisterWorkspace as Register
from parley.billing.handlers.subscription_sync import SubscriptionSync
from parley.contracts.billing.commands import CheckGrace, RegisterWorkspace
from parley.contracts.envelope import Envelope
from parley.contracts.registry import registry
from parley.contracts.streams import BILLING, TIMERS
from parley.runtime import timers
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.logs import get_logger

log = get_logger("parley.billing.accounts")

REGISTRATIONS = ConsumerSpec(
    stream=BILLING.name,
    durable="billing-account-commands",
    filter_subjects=("billing.cmd.*.account",),
    max_deliver=20,
    lanes=8,
)
GRACE_TIMERS = ConsumerSpec(
    stream=TIMERS.name,
    durable="billing-grace-timers",
    filter_subjects=(timers.fire_filter("billing"),),
    max_deliver=50,
    backoff=(5.0, 30.0, 120.0, 600.0),  # Stripe down at the deadline: try again for hours
)


class AccountCommands:
    def __init__(self, accounts: AccountStore, sync: SubscriptionSync | None) -> None:
        self._accounts = accounts
        self._sync = sync

    async def handle(self, msg: Msg) -> None:
        envelope = Envelope.from_bytes(msg.data)
        command = registry.decode(envelope)
        if isinstance(command, RegisterWorkspace):
            await self._accounts.change(
                command.organization_id,
                Register(workspace_id=command.workspace_id, at=command.at),
                envelope,
            )
            return
        if isinstance(command, CheckGrace):
            await self._check_grace(command, envelope)
            return
        log.warning("not an account command", type=envelope.type, subject=msg.subject)

    async def _check_grace(self, command: CheckGrace, envelope: Envelope) -> None:
        org = command.organization_id
        account = await self._accounts.current(org)
        if account is None or account.status != "past_due":
            return  # paid meanwhile, or already moved
        if self._sync is not None and account.stripe_subscription:
            # The card may have gone through at the last retry: ask Stripe before downgrading.
            await self._sync.sync(org, account.stripe_subscription, "grace check", envelope)
        # A cause of its own: the sync above derived its event ids from the timer's envelope.
        cause = envelope.caused(command, event_id=uuid5(envelope.event_id, "expire-grace"))
        await self._accounts.change(org, ExpireGrace(at=datetime.now(UTC)), cause)
