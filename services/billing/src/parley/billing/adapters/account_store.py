"""Accounts on their log: `billing.evt.<organization_id>.account` in the BILLING stream.

Decisions are taken on the log (never the read model, which may lag) and appended at the
version they were taken on, so a webhook and an operator changing one account at once are
decided one after the other.
"""

from __future__ import annotations

from datetime import timedelta

from nats.aio.client import Client as NatsClient

from parley.billing.domain.account import AccountCommand, AccountDecider, AccountState
from parley.billing.domain.catalog import Catalog
from parley.contracts.billing.accounts import AccountView
from parley.contracts.envelope import Envelope
from parley.contracts.streams import BILLING
from parley.contracts.subjects import event_subject
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.eventstore.aggregate import Outcome


def account_subject(organization_id: str) -> str:
    return event_subject("billing", organization_id, "account")


class AccountStore:
    def __init__(self, nc: NatsClient, catalog: Catalog, grace: timedelta) -> None:
        self._store = EventStore(nc, BILLING.name)
        self.catalog = catalog
        self._grace = grace

    def _decider(self, organization_id: str) -> AccountDecider:
        return AccountDecider(organization_id, self.catalog, self._grace)

    async def change(
        self, organization_id: str, command: AccountCommand, cause: Envelope
    ) -> Outcome[AccountState]:
        """Decide and append; raises AccountRefused for a move the account does not allow."""
        return await execute(
            self._store,
            account_subject(organization_id),
            self._decider(organization_id),
            command,
            cause=cause,
        )

    async def current(self, organization_id: str) -> AccountView | None:
        """The account as its log has it (None before its first event)."""
        loaded = await self._store.load_aggregate(account_subject(organization_id), snapshots=False)
        decider = self._decider(organization_id)
        state = decider.initial_state()
        for stored in loaded.all():
            state = decider.evolve(state, stored.message)
        return state.account
