"""Plan limits against a real nats-server: a monthly limit admits exactly `limit` actions from
two connections racing, a pooled metric is the organization's, a released unit comes back, a
retried reservation counts once, and standing limits and features are refused by name."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import nats
from nats.aio.client import Client as NatsClient
from nats.js.api import KeyValueConfig

from parley.contracts.billing.entitlements import (
    ENTITLEMENTS_BUCKET,
    MESSAGES_SENT,
    NUMBERS,
    Entitlements,
)
from parley.contracts.streams import USAGE
from parley.runtime import counters
from parley.runtime.kv import LazyBucket
from parley.runtime.quotas import LimitReached, Quotas, Reservation, counter_subjects
from parley.runtime.streams import ensure_stream

ANCHOR = datetime(2026, 11, 15, tzinfo=UTC)


async def entitle(nc: NatsClient, workspace_id: str, entitlements: Entitlements) -> None:
    await ensure_stream(nc.jetstream(), USAGE)
    kv = await LazyBucket(nc, KeyValueConfig(bucket=ENTITLEMENTS_BUCKET, history=1))()
    await kv.put(workspace_id, entitlements.model_dump_json().encode())


def plan(org: str, **limits: int | None) -> Entitlements:
    return Entitlements(
        plan="free",
        plan_name="Free",
        organization_id=org,
        anchor=ANCHOR,
        limits=limits,
        lifted_by={MESSAGES_SENT: "Starter", NUMBERS: "Starter"},
        upgrade_to="starter",
    )


async def test_two_connections_racing_admit_exactly_the_limit(
    nc: NatsClient, nats_url: str, unique: Callable[[str], str]
) -> None:
    ws, org = unique("ws"), unique("org")
    await entitle(nc, ws, plan(org, messages_sent=40))
    other = await nats.connect(nats_url)
    try:
        replicas = [Quotas(nc), Quotas(other)]
        outcomes = await asyncio.gather(
            *(replicas[n % 2].reserve(ws, MESSAGES_SENT, f"send-{n}") for n in range(55))
        )
    finally:
        await other.close()
    admitted = [o for o in outcomes if isinstance(o, Reservation)]
    refused = [o for o in outcomes if isinstance(o, LimitReached)]
    assert (len(admitted), len(refused)) == (40, 15)
    assert sorted(r.used for r in admitted) == list(range(1, 41))
    assert refused[0].code == "PLAN_LIMIT_REACHED"
    assert refused[0].detail.startswith("messages_sent: 40 of 40 used this billing period")
    assert "Upgrade to Starter" in refused[0].remedy
    quotas = Quotas(nc)
    ent = await quotas.entitlements(ws)
    assert ent is not None
    assert await quotas.used(ent, ws, MESSAGES_SENT) == 40


async def test_a_release_gives_the_unit_back_and_a_retry_counts_once(
    nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws, org = unique("ws"), unique("org")
    await entitle(nc, ws, plan(org, messages_sent=2))
    quotas = Quotas(nc)
    first = await quotas.reserve(ws, MESSAGES_SENT, "a")
    again = await quotas.reserve(ws, MESSAGES_SENT, "a")  # a redelivered send
    assert isinstance(first, Reservation)
    assert isinstance(again, Reservation)
    assert isinstance(await quotas.reserve(ws, MESSAGES_SENT, "b"), Reservation)
    assert isinstance(await quotas.reserve(ws, MESSAGES_SENT, "c"), LimitReached)
    await quotas.release(first)
    await quotas.release(first)  # released twice: given back once
    assert isinstance(await quotas.reserve(ws, MESSAGES_SENT, "d"), Reservation)
    assert isinstance(await quotas.reserve(ws, MESSAGES_SENT, "e"), LimitReached)


async def test_a_pooled_metric_is_limited_for_the_organization(
    nc: NatsClient, unique: Callable[[str], str]
) -> None:
    org = unique("org")
    client_a, client_b = unique("wsa"), unique("wsb")
    pooled = plan(org, messages_sent=3).model_copy(update={"pooled": frozenset({MESSAGES_SENT})})
    for ws in (client_a, client_b):
        await entitle(nc, ws, pooled)
    quotas = Quotas(nc)
    for key in ("1", "2"):
        assert isinstance(await quotas.reserve(client_a, MESSAGES_SENT, key), Reservation)
    assert isinstance(await quotas.reserve(client_b, MESSAGES_SENT, "3"), Reservation)
    refused = await quotas.reserve(client_b, MESSAGES_SENT, "4")
    assert isinstance(refused, LimitReached)
    assert "by the organization" in refused.detail
    ws_subject, org_subject = counter_subjects(pooled, client_a, MESSAGES_SENT, datetime.now(UTC))[
        ::-1
    ]
    js = nc.jetstream()
    assert await counters.value(js, USAGE.name, org_subject) == 3
    assert await counters.value(js, USAGE.name, ws_subject) == 2  # client A's own share


async def test_standing_limits_features_and_no_entitlements(
    nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    quotas = Quotas(nc)
    assert await quotas.reserve(ws, MESSAGES_SENT, "x") is None  # billing wrote nothing: no limit
    assert await quotas.standing_refusal(ws, NUMBERS, 99) is None
    await entitle(nc, ws, plan(unique("org"), numbers=1))
    quotas = Quotas(nc)
    assert await quotas.standing_refusal(ws, NUMBERS, 0) is None
    refused = await quotas.standing_refusal(ws, NUMBERS, 1)
    assert refused is not None
    assert refused.detail == "numbers: 1 of 1 used now by this workspace on the Free plan"
    assert refused.lifted_by == "Starter"
    missing = await quotas.feature_refusal(ws, "ai_node")
    assert missing is not None
    assert missing.code == "PLAN_FEATURE_MISSING"
    assert missing.detail == "ai_node: not included in the Free plan"


async def test_a_retried_reservation_stays_refused_when_its_first_attempt_was(
    nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    await entitle(nc, ws, plan(unique("org"), messages_sent=1))
    quotas = Quotas(nc)
    assert isinstance(await quotas.reserve(ws, MESSAGES_SENT, "first"), Reservation)
    refused = await quotas.reserve(ws, MESSAGES_SENT, "second")
    assert isinstance(refused, LimitReached)
    await quotas.release(Reservation(subjects=(), key="none", used=0))  # a no-op release
    first = await quotas.reserve(ws, MESSAGES_SENT, "first")  # its unit is still held
    assert isinstance(first, Reservation)
    await quotas.release(first)  # now there is room again...
    retried = await quotas.reserve(ws, MESSAGES_SENT, "second")  # ...but "second" was refused
    assert isinstance(retried, LimitReached)
    assert isinstance(await quotas.reserve(ws, MESSAGES_SENT, "third"), Reservation)
