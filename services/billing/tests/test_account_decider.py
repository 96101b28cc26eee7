"""The account aggregate, pure: registration, operator assignment, and Stripe subscriptions as
they stand (provisioned, past due with a grace period, revoked, stale, unknown prices)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parley.billing.domain.account import (
    AccountDecider,
    AccountRefused,
    AccountState,
    ApplySubscription,
    AssignPlan,
    ExpireGrace,
    RegisterWorkspace,
)
from parley.billing.domain.catalog import load_catalog
from parley.billing.domain.subscriptions import SubscriptionFacts, facts_of, refs_of
from parley.contracts.billing.events import AccountChanged

CATALOG = load_catalog()
T0 = datetime(2026, 12, 2, 10, tzinfo=UTC)
GRACE = timedelta(days=7)


def decide(state: AccountState, *commands: object) -> AccountState:
    decider = AccountDecider("org1", CATALOG, GRACE)
    for command in commands:
        for event in decider.decide(state, command):  # type: ignore[arg-type]
            state = decider.evolve(state, event)
    return state


def facts(status: str, price: str = "price_pro_monthly", **extra: object) -> SubscriptionFacts:
    fields: dict[str, object] = {
        "customer_id": "cus_1",
        "status": status,
        "price_id": price,
        "period_start": T0,
        "period_end": T0 + timedelta(days=31),
        "cancel_at_period_end": False,
        "trial_end": None,
        "organization_id": "org1",
    }
    fields.update(extra)
    return SubscriptionFacts(**fields)  # type: ignore[arg-type]


def stripe(
    status: str,
    sub: str = "sub_1",
    at: datetime = T0,
    price: str = "price_pro_monthly",
    **extra: object,
) -> ApplySubscription:
    return ApplySubscription(sub, facts(status, price, **extra), f"stripe {status}", at)


def test_a_new_organization_starts_on_the_default_plan_and_registers_workspaces_once() -> None:
    decider = AccountDecider("org1", CATALOG, GRACE)
    state = decide(AccountState(), RegisterWorkspace("ws1", T0), RegisterWorkspace("ws2", T0))
    assert state.account is not None
    assert (state.account.plan, state.account.source) == ("free", "default")
    assert state.account.workspaces == ("ws1", "ws2")
    assert state.account.anchor == datetime(2026, 12, 1, tzinfo=UTC)
    assert decider.decide(state, RegisterWorkspace("ws1", T0 + GRACE)) == []  # no change, no event


def test_an_active_subscription_provisions_its_plan_from_the_price() -> None:
    state = decide(AccountState(), RegisterWorkspace("ws1", T0), stripe("active"))
    account = state.account
    assert account is not None
    assert (account.plan, account.status, account.source) == ("pro", "active", "stripe")
    assert account.stripe_subscription == "sub_1"
    assert account.anchor == T0  # periods follow the subscription's
    trial = decide(state, stripe("trialing", trial_end=T0 + timedelta(days=14)))
    assert trial.account is not None
    assert (trial.account.status, trial.account.trialed) == ("trialing", True)


def test_a_failed_payment_holds_the_plan_for_the_grace_period_then_downgrades() -> None:
    paid = decide(AccountState(), RegisterWorkspace("ws1", T0), stripe("active"))
    late = decide(paid, stripe("past_due", at=T0 + timedelta(days=30)))
    assert late.account is not None
    assert (late.account.plan, late.account.status) == ("pro", "past_due")
    assert late.account.grace_until == T0 + timedelta(days=37)
    again = decide(late, stripe("past_due", at=T0 + timedelta(days=33)))  # a later retry fails
    assert again.account is not None
    assert again.account.grace_until == T0 + timedelta(days=37)  # the deadline does not move
    early = decide(again, ExpireGrace(T0 + timedelta(days=36)))
    assert early.account is not None
    assert early.account.plan == "pro"
    over = decide(again, ExpireGrace(T0 + timedelta(days=37)))
    assert over.account is not None
    assert (over.account.plan, over.account.status, over.account.source) == (
        "free",
        "active",
        "grace_expired",
    )
    recovered = decide(again, stripe("active", at=T0 + timedelta(days=34)))
    assert recovered.account is not None
    assert (recovered.account.status, recovered.account.grace_until) == ("active", None)


@pytest.mark.parametrize("status", ["canceled", "unpaid", "incomplete_expired"])
def test_revoked_subscriptions_return_the_organization_to_free(status: str) -> None:
    paid = decide(AccountState(), RegisterWorkspace("ws1", T0), stripe("active"))
    ended = decide(paid, stripe(status))
    assert ended.account is not None
    assert (ended.account.plan, ended.account.stripe_subscription) == ("free", "")
    gone = decide(paid, ApplySubscription("sub_1", None, "deleted", T0))
    assert gone.account is not None
    assert gone.account.plan == "free"


def test_a_stale_subscription_does_not_undo_the_current_one() -> None:
    current = decide(AccountState(), RegisterWorkspace("ws1", T0), stripe("active", sub="sub_new"))
    old_end = decide(current, stripe("canceled", sub="sub_old"))
    assert old_end.account is not None
    assert (old_end.account.plan, old_end.account.stripe_subscription) == ("pro", "sub_new")
    unpaid_other = decide(
        current, stripe("incomplete", sub="sub_other", price="price_agency_monthly")
    )
    assert unpaid_other.account == current.account


def test_an_incomplete_first_payment_provisions_nothing_and_an_unknown_price_keeps_the_plan() -> (
    None
):
    first = decide(AccountState(), RegisterWorkspace("ws1", T0), stripe("incomplete"))
    assert first.account is not None
    assert (first.account.plan, first.account.stripe_subscription) == ("free", "sub_1")
    unknown = decide(first, stripe("active", price="price_someone_elses"))
    assert unknown.account is not None
    assert unknown.account.plan == "free"


def test_an_operator_assigns_plans_but_not_over_a_live_subscription_unless_forced() -> None:
    state = decide(AccountState(), AssignPlan("agency", "ops@example.com", False, T0))
    assert state.account is not None
    assert (state.account.plan, state.account.source) == ("agency", "admin")
    with pytest.raises(AccountRefused) as unknown:
        decide(state, AssignPlan("platinum", "ops", False, T0))
    assert unknown.value.code == "PLAN_UNKNOWN"
    assert "free, starter, pro, agency" in str(unknown.value)
    paid = decide(state, stripe("active"))
    with pytest.raises(AccountRefused) as managed:
        decide(paid, AssignPlan("starter", "ops", False, T0))
    assert managed.value.code == "STRIPE_MANAGED"
    forced = decide(paid, AssignPlan("starter", "ops", True, T0))
    assert forced.account is not None
    assert forced.account.plan == "starter"


def test_each_change_records_the_whole_account() -> None:
    decider = AccountDecider("org1", CATALOG, GRACE)
    (event,) = decider.decide(AccountState(), RegisterWorkspace("ws1", T0))
    assert isinstance(event, AccountChanged)
    assert event.account.workspaces == ("ws1",)
    assert event.reason == "workspace registered"


def test_stripe_objects_are_read_as_the_pinned_api_version_shapes_them() -> None:
    subscription = {
        "id": "sub_9",
        "object": "subscription",
        "customer": "cus_9",
        "status": "trialing",
        "cancel_at_period_end": True,
        "trial_end": 1_800_000_000,
        "metadata": {"organization_id": "org9"},
        "items": {
            "data": [
                {
                    "price": {"id": "price_starter_monthly"},
                    "current_period_start": 1_790_000_000,
                    "current_period_end": 1_792_600_000,
                }
            ]
        },
    }
    got = facts_of(subscription)
    assert (got.customer_id, got.price_id, got.organization_id) == (
        "cus_9",
        "price_starter_monthly",
        "org9",
    )
    assert got.period_start == datetime.fromtimestamp(1_790_000_000, UTC)
    assert got.cancel_at_period_end is True
    invoice = {
        "data": {
            "object": {
                "object": "invoice",
                "customer": "cus_9",
                "parent": {"subscription_details": {"subscription": "sub_9", "metadata": {}}},
            }
        }
    }
    refs = refs_of(invoice)
    assert (refs.organization_id, refs.customer_id, refs.subscription_id) == ("", "cus_9", "sub_9")
    session = {
        "data": {
            "object": {
                "object": "checkout.session",
                "client_reference_id": "org9",
                "customer": "cus_9",
                "subscription": "sub_9",
            }
        }
    }
    assert refs_of(session).organization_id == "org9"


def test_a_past_due_subscription_heard_of_first_still_holds_its_plan() -> None:
    late = decide(AccountState(), RegisterWorkspace("ws1", T0), stripe("past_due"))
    assert late.account is not None
    assert (late.account.plan, late.account.status) == ("pro", "past_due")
    assert late.account.grace_until == T0 + GRACE
