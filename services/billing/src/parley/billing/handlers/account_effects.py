"""What follows a change of an account: its workspaces' entitlements are written to KV, and a
payment grace period gets its durable timer.

The account is read again from its log rather than taken from the event, so a redelivered or
late event can never write an older plan over a newer one. At start-up every account's
entitlements are written again (`refresh_all`), so a new catalog version (a limit raised, a
feature added) reaches every workspace without waiting for each account to change.
"""

from __future__ import annotations

import sqlalchemy as sa
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.billing.adapters.account_store import AccountStore
from parley.billing.adapters.entitlements_store import EntitlementsStore
from parley.billing.adapters.tables import accounts, in_schema
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
    def __init__(
        self,
        nc: NatsClient,
        engine: AsyncEngine,
        schema: str,
        accounts: AccountStore,
        entitlements: EntitlementsStore,
    ) -> None:
        self._nc = nc
        self._engine = engine
        self._schema = schema
        self._accounts = accounts
        self._entitlements = entitlements

    async def refresh_all(self) -> int:
        """Write every known account's entitlements from the current catalog; returns how many."""
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            orgs = list(await conn.scalars(sa.select(accounts.c.organization_id)))
        for org in orgs:
            account = await self._accounts.current(org)
            if account is not None:
                await self._entitlements.write(account)
        log.info("entitlements refreshed", accounts=len(orgs))
        return len(orgs)

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
