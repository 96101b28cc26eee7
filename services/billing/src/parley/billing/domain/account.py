"""An organization's billing account: pure decide and evolve over `billing.AccountChanged`.

Every change records the whole account (state, not a delta), because the Stripe side is read
back as it stands rather than pieced together from events that arrive duplicated and out of
order. A decision that would leave the account as it is records nothing, so a redelivered
webhook or a repeated registration is a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from parley.billing.domain.catalog import Catalog
from parley.billing.domain.subscriptions import SubscriptionFacts
from parley.contracts.billing.accounts import AccountView
from parley.contracts.billing.events import AccountChanged
from parley.contracts.messages import Message

PROVISIONED = ("active", "trialing")  # Stripe: provision on these
REVOKED = ("canceled", "unpaid", "incomplete_expired")  # Stripe: revoke on these


class AccountRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RegisterWorkspace:
    workspace_id: str
    at: datetime


@dataclass(frozen=True)
class AssignPlan:
    plan: str
    by: str
    force: bool
    at: datetime


@dataclass(frozen=True)
class SetCustomer:
    customer_id: str
    at: datetime


@dataclass(frozen=True)
class ApplySubscription:
    """The subscription as Stripe has it now (None: it no longer exists)."""

    subscription_id: str
    facts: SubscriptionFacts | None
    reason: str
    at: datetime


@dataclass(frozen=True)
class ExpireGrace:
    at: datetime


AccountCommand = RegisterWorkspace | AssignPlan | SetCustomer | ApplySubscription | ExpireGrace


def month_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def new_account(organization_id: str, catalog: Catalog, at: datetime) -> AccountView:
    return AccountView(
        organization_id=organization_id,
        plan=catalog.default_plan,
        status="active",
        source="default",
        anchor=month_start(at),
        changed_at=at,
    )


@dataclass(frozen=True)
class AccountState:
    account: AccountView | None = None  # None: no event yet


class AccountDecider:
    """The aggregate's pure functions in the shape `parley.runtime.eventstore.execute` takes."""

    def __init__(self, organization_id: str, catalog: Catalog, grace: timedelta) -> None:
        self._org = organization_id
        self._catalog = catalog
        self._grace = grace

    def initial_state(self) -> AccountState:
        return AccountState()

    def evolve(self, state: AccountState, event: Message) -> AccountState:
        if isinstance(event, AccountChanged):
            return AccountState(event.account)
        return state

    def snapshot(self, state: AccountState) -> Message | None:
        return None  # each event is the whole account: the last one is the state

    def decide(self, state: AccountState, command: AccountCommand) -> Sequence[Message]:
        current = state.account or new_account(self._org, self._catalog, command.at)
        changed, reason = self._next(current, command)
        if state.account is not None and same(changed, state.account):
            return []
        return [
            AccountChanged(
                account=changed.model_copy(update={"changed_at": command.at}),
                reason=reason,
                at=command.at,
            )
        ]

    def _next(self, account: AccountView, command: AccountCommand) -> tuple[AccountView, str]:
        if isinstance(command, RegisterWorkspace):
            workspaces = tuple(sorted({*account.workspaces, command.workspace_id}))
            return account.model_copy(update={"workspaces": workspaces}), "workspace registered"
        if isinstance(command, AssignPlan):
            return self._assign(account, command), f"assigned by {command.by or 'an operator'}"
        if isinstance(command, SetCustomer):
            return account.model_copy(update={"stripe_customer": command.customer_id}), (
                "stripe customer created"
            )
        if isinstance(command, ApplySubscription):
            return self._apply(account, command), command.reason
        return self._expire(account, command), "payment grace period over"

    def _assign(self, account: AccountView, command: AssignPlan) -> AccountView:
        if self._catalog.plan(command.plan) is None:
            known = ", ".join(p.id for p in self._catalog.plans)
            raise AccountRefused("PLAN_UNKNOWN", f"plan: {command.plan!r} is not a plan ({known})")
        governed = account.stripe_subscription and account.status in (*PROVISIONED, "past_due")
        if governed and not command.force:
            raise AccountRefused(
                "STRIPE_MANAGED",
                f"a Stripe subscription ({account.stripe_subscription}) governs this account: "
                "change the plan in Stripe, or assign with force",
            )
        return account.model_copy(
            update={
                "plan": command.plan,
                "status": "active",
                "source": "admin",
                "grace_until": None,
            }
        )

    def _apply(self, account: AccountView, command: ApplySubscription) -> AccountView:
        facts = command.facts
        other = (
            account.stripe_subscription and account.stripe_subscription != command.subscription_id
        )
        if facts is None or facts.status in REVOKED:
            if other:
                return account  # an old subscription ending: the current one still governs
            return self._downgrade(account, "stripe").model_copy(
                update={
                    "stripe_subscription": "",
                    "cancel_at_period_end": False,
                    "current_period_end": None,
                    "trial_end": None,
                }
            )
        if other and facts.status not in PROVISIONED:
            return account  # a stale subscription that is not paid for does not replace one
        base = account.model_copy(
            update={
                "stripe_customer": facts.customer_id or account.stripe_customer,
                "stripe_subscription": command.subscription_id,
                "cancel_at_period_end": facts.cancel_at_period_end,
                "current_period_end": facts.period_end,
                "trial_end": facts.trial_end,
                "trialed": account.trialed or facts.trial_end is not None,
            }
        )
        plan = self._catalog.by_price(facts.price_id) if facts.price_id else None
        if facts.status in PROVISIONED:
            if plan is None:
                return base  # a price we do not sell: keep the plan, record the subscription
            return base.model_copy(
                update={
                    "plan": plan.id,
                    "status": facts.status,
                    "source": "stripe",
                    "anchor": facts.period_start or account.anchor,
                    "grace_until": None,
                }
            )
        if facts.status == "past_due":
            # A renewal failed: the subscription was paid for before (a first payment that fails
            # is `incomplete`), so its plan holds until the grace period ends, even when this is
            # the first billing hears of it (its earlier events still on the way).
            grace = account.grace_until or (command.at + self._grace)
            if plan is None:
                return base.model_copy(update={"status": "past_due", "grace_until": grace})
            return base.model_copy(
                update={
                    "plan": plan.id,
                    "status": "past_due",
                    "source": "stripe",
                    "anchor": facts.period_start or account.anchor,
                    "grace_until": grace,
                }
            )
        # incomplete, paused: not paid for, and nothing to take away that was provisioned by it
        return base

    def _expire(self, account: AccountView, command: ExpireGrace) -> AccountView:
        if account.status != "past_due" or account.grace_until is None:
            return account
        if command.at < account.grace_until:
            return account
        return self._downgrade(account, "grace_expired")

    def _downgrade(self, account: AccountView, source: str) -> AccountView:
        if account.plan == self._catalog.default_plan and account.status == "active":
            return account.model_copy(update={"grace_until": None})
        return account.model_copy(
            update={
                "plan": self._catalog.default_plan,
                "status": "active",
                "source": source,
                "grace_until": None,
            }
        )


def same(a: AccountView, b: AccountView) -> bool:
    """Equal but for when they were written."""
    return a.model_copy(update={"changed_at": b.changed_at}) == b
