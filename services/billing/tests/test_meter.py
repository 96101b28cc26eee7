"""Billing's usage meter on the real streams (embedded NATS and PostgreSQL): events published as
their owners publish them, counted by the meter's projections under the runtime's
ProjectionRunner into the USAGE counters, exactly once across restarts, redeliveries, a crash
between increment and commit, and a rebuild; warnings at 80 and 100 % raised once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from nats.aio.client import Client as NatsClient
from nats.js.api import KeyValueConfig
from nats.js.errors import NotFoundError
from sqlalchemy.ext.asyncio import AsyncEngine

import parley.billing
from parley.billing.adapters.tables import (
    account_workspaces,
    accounts,
    in_schema,
    meter_channels,
    usage_warnings,
)
from parley.billing.domain.meter import crossed, period_of, warning_event_id, warning_key
from parley.billing.handlers.meter import (
    AI_CONSUMER,
    LEADS_CONSUMER,
    MESSAGES_CONSUMER,
    AiMeter,
    LeadsMeter,
    MessagesMeter,
)
from parley.contracts.ai.events import QuestionAnswered
from parley.contracts.billing.accounts import AccountView
from parley.contracts.billing.entitlements import (
    AI_ANSWERS,
    ENTITLEMENTS_BUCKET,
    LEADS_SCRAPED,
    MESSAGES_SENT,
    Entitlements,
    Scope,
    admitted_subject,
    usage_subject,
)
from parley.contracts.billing.events import UsageThresholdReached
from parley.contracts.envelope import Envelope
from parley.contracts.messages import Event
from parley.contracts.messaging.channels import ChannelConnected, ChannelView, Provider
from parley.contracts.messaging.events import MessageSent
from parley.contracts.scraper.events import LeadScraped
from parley.contracts.streams import AI, BILLING, MESSAGING, SCRAPER, USAGE
from parley.contracts.subjects import event_subject
from parley.runtime import counters
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import EventStore, envelope_headers
from parley.runtime.kv import LazyBucket
from parley.runtime.migrations import migrate
from parley.runtime.projections import Projection, ProjectionRunner, checkpoint
from parley.runtime.streams import ensure_streams
from parley.runtime.testing.plugin import eventually

MIGRATIONS = Path(parley.billing.__file__).parent / "migrations"
ANCHOR = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)  # a subscription started mid-month
IN_MARCH_PERIOD = datetime(2026, 4, 14, 10, 0, tzinfo=UTC)  # period 2026_03_15
IN_APRIL_PERIOD = datetime(2026, 4, 15, 10, 0, tzinfo=UTC)  # period 2026_04_15


@pytest.fixture
async def schema(nc: NatsClient, engine: AsyncEngine, fresh_schema: str) -> str:
    await ensure_streams(nc.jetstream(), (MESSAGING, AI, SCRAPER, BILLING, USAGE))
    await migrate(engine, MIGRATIONS, fresh_schema)
    return fresh_schema


# -- the world around the meter ----------------------------------------------------------------


async def open_account(
    engine: AsyncEngine, schema: str, org: str, workspaces: tuple[str, ...], anchor: datetime
) -> None:
    """The organization's account as billing's accounts projection holds it."""
    view = AccountView(
        organization_id=org,
        plan="starter",
        status="active",
        source="stripe",
        anchor=anchor,
        workspaces=workspaces,
        changed_at=anchor,
    )
    async with engine.begin() as raw:
        conn = await in_schema(raw, schema)
        await conn.execute(
            accounts.insert().values(
                organization_id=org,
                plan=view.plan,
                status=view.status,
                stripe_customer="",
                stripe_subscription="",
                account=view.model_dump(mode="json"),
                updated_at=anchor,
            )
        )
        for ws in workspaces:
            await conn.execute(
                account_workspaces.insert().values(workspace_id=ws, organization_id=org)
            )


async def limit(
    nc: NatsClient,
    org: str,
    workspaces: tuple[str, ...],
    limits: dict[str, int | None],
    *,
    pooled: frozenset[str] = frozenset(),
) -> None:
    kv = await LazyBucket(nc, KeyValueConfig(bucket=ENTITLEMENTS_BUCKET, history=1))()
    for ws in workspaces:
        entitlements = Entitlements(
            plan="starter",
            plan_name="Starter",
            organization_id=org,
            anchor=ANCHOR,
            limits=limits,
            pooled=pooled,
        )
        await kv.put(ws, entitlements.model_dump_json().encode())


async def publish(nc: NatsClient, context: str, ws: str, aggregate: str, event: Event) -> int:
    envelope = Envelope.wrap(event, workspace_id=ws)
    ack = await nc.jetstream().publish(
        event_subject(context, ws, aggregate),
        envelope.to_bytes(),
        headers=envelope_headers(envelope),
    )
    return ack.seq


def channel(channel_id: str, provider: Provider) -> ChannelConnected:
    return ChannelConnected(
        channel=ChannelView(
            channel_id=channel_id,
            provider=provider,
            phone_number_id=f"pn-{channel_id}",
            connected_at=ANCHOR,
        )
    )


def sent(n: int, channel_id: str, at: datetime) -> MessageSent:
    return MessageSent(command_id=f"cmd-{n}", contact_id=f"c-{n}", channel_id=channel_id, at=at)


async def send(nc: NatsClient, ws: str, n: int, channel_id: str, at: datetime) -> int:
    return await publish(nc, "messaging", ws, f"t{n}", sent(n, channel_id, at))


# -- running the meter -------------------------------------------------------------------------


def spec_for(base: ConsumerSpec, durable: str, context: str, *workspaces: str) -> ConsumerSpec:
    """The meter's consumer, on this test's workspaces only (the streams are shared)."""
    return replace(
        base,
        durable=durable,
        filter_subjects=tuple(f"{context}.evt.{ws}.>" for ws in workspaces),
        backoff=(0.1,),
    )


async def run_until(
    nc: NatsClient,
    engine: AsyncEngine,
    schema: str,
    projection: Projection,
    spec: ConsumerSpec,
    last: int,
) -> None:
    """A runner that applies up to stream sequence `last`, acknowledges it, and stops."""
    runner = ProjectionRunner(nc, engine, schema, projection, spec)
    await runner.setup()
    js = nc.jetstream()

    async def done() -> bool:
        if await checkpoint(engine, schema, projection.name) < last:
            return False
        try:
            info = await js.consumer_info(spec.stream, spec.durable)
        except NotFoundError:
            return False
        return (info.ack_floor.stream_seq or 0) >= last

    live = asyncio.create_task(runner.run())
    try:
        await eventually(done, timeout=20, interval=0.05)
    finally:
        runner.stop()
        await live


async def used(nc: NatsClient, scope: Scope, scope_id: str, metric: str, period: str) -> int:
    subject = usage_subject(scope, scope_id, metric, period)
    return await counters.value(nc.jetstream(), USAGE.name, subject)


async def warning_rows(
    engine: AsyncEngine, schema: str, workspaces: tuple[str, ...]
) -> list[tuple[object, ...]]:
    async with engine.connect() as raw:
        conn = await in_schema(raw, schema)
        rows = await conn.execute(
            sa.select(
                usage_warnings.c.workspace_id,
                usage_warnings.c.metric,
                usage_warnings.c.scope,
                usage_warnings.c.period,
                usage_warnings.c.threshold,
                usage_warnings.c.organization_id,
                usage_warnings.c.used,
                usage_warnings.c.limit,
            )
            .where(usage_warnings.c.workspace_id.in_(workspaces))
            .order_by(usage_warnings.c.workspace_id, usage_warnings.c.threshold)
        )
        return [tuple(r) for r in rows]


async def warnings_published(nc: NatsClient, ws: str) -> list[UsageThresholdReached]:
    loaded = await EventStore(nc, BILLING.name).load(event_subject("billing", ws, "usage"))
    found = [e.message for e in loaded]
    assert all(isinstance(m, UsageThresholdReached) for m in found)
    return [m for m in found if isinstance(m, UsageThresholdReached)]


# -- the pure parts ----------------------------------------------------------------------------


def test_periods_follow_the_anchor_and_default_to_calendar_months() -> None:
    assert period_of(ANCHOR, IN_MARCH_PERIOD) == "2026_03_15"
    assert period_of(ANCHOR, IN_APRIL_PERIOD) == "2026_04_15"
    assert period_of(None, IN_APRIL_PERIOD) == "2026_04_01"
    assert period_of(None, datetime(2026, 4, 30, 23, 59, tzinfo=UTC)) == "2026_04_01"


def test_a_threshold_is_crossed_once_on_the_way_up() -> None:
    assert [t for n in range(1, 13) for t in crossed(n - 1, n, 10)] == [80, 100]
    assert crossed(7, 8, 10) == (80,)
    assert crossed(9, 10, 10) == (100,)
    assert crossed(10, 11, 10) == ()
    assert crossed(0, 1, 1) == (80, 100)  # a limit of 1: both at once
    assert crossed(0, 5, None) == ()
    assert crossed(0, 5, 0) == ()
    assert [t for n in range(1, 5) for t in crossed(n - 1, n, 3)] == [80, 100]  # 2.4 -> at 3


# -- counting ----------------------------------------------------------------------------------


async def test_sends_count_for_the_workspace_and_its_organization_in_the_anchor_period(
    nc: NatsClient, engine: AsyncEngine, schema: str, unique: Callable[[str], str]
) -> None:
    ws, lone, org = unique("ws"), unique("lone"), unique("org")
    await open_account(engine, schema, org, (ws,), ANCHOR)
    await publish(nc, "messaging", ws, "main", channel("main", "cloud_api"))
    await publish(nc, "messaging", ws, "sb", channel("sb", "sandbox"))
    await send(nc, ws, 1, "main", IN_MARCH_PERIOD)
    await send(nc, ws, 2, "main", IN_MARCH_PERIOD)
    await send(nc, ws, 3, "sb", IN_MARCH_PERIOD)  # the sandbox is free
    await send(nc, ws, 4, "sb", IN_APRIL_PERIOD)
    await send(nc, ws, 5, "unknown", IN_MARCH_PERIOD)  # a channel never seen counts
    await send(nc, ws, 6, "main", IN_APRIL_PERIOD)
    last = await send(nc, lone, 7, "main", IN_APRIL_PERIOD)  # no account: calendar month
    spec = spec_for(MESSAGES_CONSUMER, unique("meter-msgs"), "messaging", ws, lone)
    await run_until(nc, engine, schema, MessagesMeter(nc), spec, last)

    expected: dict[tuple[Scope, str, str], int] = {
        ("ws", ws, "2026_03_15"): 3,
        ("org", org, "2026_03_15"): 3,
        ("ws", ws, "2026_04_15"): 1,
        ("org", org, "2026_04_15"): 1,
        ("ws", lone, "2026_04_01"): 1,
        ("ws", ws, "2026_04_01"): 0,  # never in a calendar month: it has an anchor
        ("org", lone, "2026_04_01"): 0,  # no organization known for it
    }

    async def totals() -> dict[tuple[Scope, str, str], int]:
        return {k: await used(nc, k[0], k[1], MESSAGES_SENT, k[2]) for k in expected}

    assert await totals() == expected
    async with engine.connect() as raw:
        conn = await in_schema(raw, schema)
        rows = await conn.execute(
            sa.select(meter_channels.c.channel_id, meter_channels.c.provider)
            .where(meter_channels.c.workspace_id == ws)
            .order_by(meter_channels.c.channel_id)
        )
        assert [tuple(r) for r in rows] == [("main", "cloud_api"), ("sb", "sandbox")]

    # A restart: a new runner over the same durable carries on where the first stopped.
    last = await send(nc, ws, 8, "main", IN_APRIL_PERIOD)
    await run_until(nc, engine, schema, MessagesMeter(nc), spec, last)
    expected[("ws", ws, "2026_04_15")] = expected[("org", org, "2026_04_15")] = 2
    assert await totals() == expected

    # As after a crash between commit and ack: the durable hands every event out again.
    js = nc.jetstream()
    first = (await js.get_last_msg(MESSAGING.name, event_subject("messaging", ws, "main"))).seq
    with suppress(NotFoundError):
        await js.delete_consumer(spec.stream, spec.durable)
    await js.add_consumer(spec.stream, replace(spec, deliver_from_sequence=first).config())
    await run_until(nc, engine, schema, MessagesMeter(nc), spec, last)
    info = await js.consumer_info(spec.stream, spec.durable)
    assert info.delivered.stream_seq >= last  # all of them came again
    assert await totals() == expected  # and none counted twice

    # A rebuild (reset, then replay from the start) within the duplicate window of the first
    # counts: identical totals, channels noted again.
    runner = ProjectionRunner(nc, engine, schema, MessagesMeter(nc), spec)
    assert await runner.rebuild() > 0
    assert await totals() == expected
    async with engine.connect() as raw:
        conn = await in_schema(raw, schema)
        providers = await conn.scalar(
            sa.select(sa.func.count())
            .select_from(meter_channels)
            .where(meter_channels.c.workspace_id == ws)
        )
        assert providers == 2
    await js.delete_consumer(spec.stream, spec.durable)


async def test_answers_and_leads_are_counted_by_their_own_meters(
    nc: NatsClient, engine: AsyncEngine, schema: str, unique: Callable[[str], str]
) -> None:
    ws, org = unique("ws"), unique("org")
    await open_account(engine, schema, org, (ws,), ANCHOR)

    def answered(n: int, answer: str) -> QuestionAnswered:
        return QuestionAnswered(request_id=f"r{n}", answer=answer, at=IN_MARCH_PERIOD)

    await publish(nc, "ai", ws, "r1", answered(1, "We open at nine."))
    await publish(nc, "ai", ws, "r2", answered(2, ""))  # the documents had no answer
    last_ai = await publish(nc, "ai", ws, "r3", answered(3, "Yes."))
    for n in range(3):
        lead = LeadScraped(job_id="job", lead_id=f"lead-{n}", name=f"Shop {n}", at=IN_APRIL_PERIOD)
        last_lead = await publish(nc, "scraper", ws, "job", lead)
    ai_spec = spec_for(AI_CONSUMER, unique("meter-ai"), "ai", ws)
    leads_spec = spec_for(LEADS_CONSUMER, unique("meter-leads"), "scraper", ws)
    await run_until(nc, engine, schema, AiMeter(nc), ai_spec, last_ai)
    await run_until(nc, engine, schema, LeadsMeter(nc), leads_spec, last_lead)

    assert await used(nc, "ws", ws, AI_ANSWERS, "2026_03_15") == 2
    assert await used(nc, "org", org, AI_ANSWERS, "2026_03_15") == 2
    assert await used(nc, "ws", ws, LEADS_SCRAPED, "2026_04_15") == 3
    assert await used(nc, "org", org, LEADS_SCRAPED, "2026_04_15") == 3
    assert await used(nc, "ws", ws, MESSAGES_SENT, "2026_03_15") == 0
    for spec in (ai_spec, leads_spec):
        await nc.jetstream().delete_consumer(spec.stream, spec.durable)


async def test_an_event_redone_after_its_increments_landed_counts_once(
    nc: NatsClient, engine: AsyncEngine, schema: str, unique: Callable[[str], str]
) -> None:
    """The gap the increments' message ids cover: counted in NATS, then the transaction holding
    the checkpoint fails; the runner applies the same events again."""
    ws, org = unique("ws"), unique("org")
    await open_account(engine, schema, org, (ws,), ANCHOR)
    for n in range(3):
        last = await send(nc, ws, n, "main", IN_MARCH_PERIOD)
    stored = await EventStore(nc, MESSAGING.name).load(event_subject("messaging", ws, "t0"))
    for n in (1, 2):
        stored += await EventStore(nc, MESSAGING.name).load(event_subject("messaging", ws, f"t{n}"))
    async with engine.connect() as conn:
        transaction = await conn.begin()
        await MessagesMeter(nc).apply_batch(conn, schema, stored)
        await transaction.rollback()  # the crash: nothing of it in PostgreSQL
    assert await used(nc, "ws", ws, MESSAGES_SENT, "2026_03_15") == 3
    spec = spec_for(MESSAGES_CONSUMER, unique("meter-redo"), "messaging", ws)
    await run_until(nc, engine, schema, MessagesMeter(nc), spec, last)
    assert await used(nc, "ws", ws, MESSAGES_SENT, "2026_03_15") == 3
    assert await used(nc, "org", org, MESSAGES_SENT, "2026_03_15") == 3
    await nc.jetstream().delete_consumer(spec.stream, spec.durable)


# -- warnings ----------------------------------------------------------------------------------


async def test_warnings_at_80_and_100_percent_are_raised_once_even_after_a_rebuild(
    nc: NatsClient, engine: AsyncEngine, schema: str, unique: Callable[[str], str]
) -> None:
    ws, org = unique("ws"), unique("org")
    await open_account(engine, schema, org, (ws,), ANCHOR)
    await limit(nc, org, (ws,), {MESSAGES_SENT: 10})
    sequences = [await send(nc, ws, n, "main", IN_MARCH_PERIOD) for n in range(12)]

    # The first nine crossed 80 % in a transaction that then failed: the warning event went out,
    # its row did not stay.
    store = EventStore(nc, MESSAGING.name)
    first_nine = [
        e for n in range(9) for e in await store.load(event_subject("messaging", ws, f"t{n}"))
    ]
    async with engine.connect() as conn:
        transaction = await conn.begin()
        await MessagesMeter(nc).apply_batch(conn, schema, first_nine)
        await transaction.rollback()
    assert [w.threshold for w in await warnings_published(nc, ws)] == [80]

    spec = spec_for(MESSAGES_CONSUMER, unique("meter-warn"), "messaging", ws)
    await run_until(nc, engine, schema, MessagesMeter(nc), spec, sequences[-1])
    assert await used(nc, "ws", ws, MESSAGES_SENT, "2026_03_15") == 12
    rows = [
        (ws, MESSAGES_SENT, "ws", "2026_03_15", 80, org, 8, 10),
        (ws, MESSAGES_SENT, "ws", "2026_03_15", 100, org, 10, 10),
    ]
    assert await warning_rows(engine, schema, (ws,)) == rows
    published = await warnings_published(nc, ws)
    assert [(w.threshold, w.used, w.limit, w.scope, w.period) for w in published] == [
        (80, 8, 10, "ws", "2026_03_15"),
        (100, 10, 10, "ws", "2026_03_15"),
    ]
    assert all(w.organization_id == org and w.plan == "starter" for w in published)

    runner = ProjectionRunner(nc, engine, schema, MessagesMeter(nc), spec)
    assert await runner.rebuild() == len(sequences)
    assert await used(nc, "ws", ws, MESSAGES_SENT, "2026_03_15") == 12
    assert await used(nc, "org", org, MESSAGES_SENT, "2026_03_15") == 12
    assert await warning_rows(engine, schema, (ws,)) == rows
    assert len(await warnings_published(nc, ws)) == 2  # the app was not told again
    await nc.jetstream().delete_consumer(spec.stream, spec.durable)


async def test_a_pooled_limit_warns_every_workspace_of_the_organization(
    nc: NatsClient, engine: AsyncEngine, schema: str, unique: Callable[[str], str]
) -> None:
    agency, client, org = unique("ws-a"), unique("ws-b"), unique("org")
    await open_account(engine, schema, org, (agency, client), ANCHOR)
    await limit(nc, org, (agency, client), {AI_ANSWERS: 5}, pooled=frozenset({AI_ANSWERS}))
    last = 0
    for n in range(5):  # 4 + 1 across two workspaces: 80 % at the 4th, 100 % at the 5th
        ws = agency if n % 2 else client
        answer = QuestionAnswered(request_id=f"r{n}", answer="Yes.", at=IN_APRIL_PERIOD)
        last = max(last, await publish(nc, "ai", ws, f"r{n}", answer))
    spec = spec_for(AI_CONSUMER, unique("meter-pool"), "ai", agency, client)
    await run_until(nc, engine, schema, AiMeter(nc), spec, last)

    assert await used(nc, "org", org, AI_ANSWERS, "2026_04_15") == 5
    assert await used(nc, "ws", client, AI_ANSWERS, "2026_04_15") == 3
    rows = await warning_rows(engine, schema, (agency, client))
    assert sorted((r[0], r[2], r[4], r[6]) for r in rows) == sorted(
        (ws, "org", t, u) for ws in (agency, client) for t, u in ((80, 4), (100, 5))
    )
    for ws in (agency, client):
        published = await warnings_published(nc, ws)
        assert [(w.scope, w.threshold, w.used) for w in published] == [
            ("org", 80, 4),
            ("org", 100, 5),
        ]
    await nc.jetstream().delete_consumer(spec.stream, spec.durable)


async def test_a_warning_already_on_the_stream_is_not_published_again_after_the_window(
    nc: NatsClient, engine: AsyncEngine, schema: str, unique: Callable[[str], str]
) -> None:
    """Beyond the BILLING stream's duplicate window (a replay days later, after a reset deleted
    the rows) the message id no longer protects: the stored event itself does. Simulated by a
    warning stored under a message id the window has forgotten."""
    ws, org = unique("ws"), unique("org")
    await open_account(engine, schema, org, (ws,), ANCHOR)
    await limit(nc, org, (ws,), {LEADS_SCRAPED: 4})
    key = warning_key("ws", ws, LEADS_SCRAPED, "2026_03_15", 80, ws)
    earlier = UsageThresholdReached(
        organization_id=org,
        metric=LEADS_SCRAPED,
        scope="ws",
        threshold=80,
        used=4,
        limit=4,
        plan="starter",
        period="2026_03_15",
        at=IN_MARCH_PERIOD,
    )
    envelope = Envelope.wrap(earlier, workspace_id=ws, event_id=warning_event_id(key))
    headers = envelope_headers(envelope)
    headers["Nats-Msg-Id"] = f"long-ago:{key}"
    await nc.jetstream().publish(
        event_subject("billing", ws, "usage"), envelope.to_bytes(), headers=headers
    )
    for n in range(4):
        lead = LeadScraped(job_id="job", lead_id=f"lead-{n}", at=IN_MARCH_PERIOD)
        last = await publish(nc, "scraper", ws, "job", lead)
    spec = spec_for(LEADS_CONSUMER, unique("meter-late"), "scraper", ws)
    await run_until(nc, engine, schema, LeadsMeter(nc), spec, last)
    assert [r[4] for r in await warning_rows(engine, schema, (ws,))] == [80, 100]
    published = await warnings_published(nc, ws)
    assert [w.threshold for w in published] == [80, 100]  # 80 once: the one stored before
    await nc.jetstream().delete_consumer(spec.stream, spec.durable)


# -- reset -------------------------------------------------------------------------------------


async def test_a_reset_purges_the_meter_and_never_the_admission_counters(
    nc: NatsClient, engine: AsyncEngine, schema: str, unique: Callable[[str], str]
) -> None:
    ws, org = unique("ws"), unique("org")
    await open_account(engine, schema, org, (ws,), ANCHOR)
    await limit(nc, org, (ws,), {LEADS_SCRAPED: 2})
    admitted = admitted_subject("ws", ws, LEADS_SCRAPED, "2026_03_15")
    await counters.add(nc, admitted, 7, msg_id=f"admit:{ws}")
    for n in range(2):
        lead = LeadScraped(job_id="job", lead_id=f"lead-{n}", at=IN_MARCH_PERIOD)
        last = await publish(nc, "scraper", ws, "job", lead)
    spec = spec_for(LEADS_CONSUMER, unique("meter-reset"), "scraper", ws)
    await run_until(nc, engine, schema, LeadsMeter(nc), spec, last)
    assert await used(nc, "ws", ws, LEADS_SCRAPED, "2026_03_15") == 2
    assert len(await warning_rows(engine, schema, (ws,))) == 2

    async with engine.begin() as conn:
        await LeadsMeter(nc).reset(conn, schema)
    js = nc.jetstream()
    assert await used(nc, "ws", ws, LEADS_SCRAPED, "2026_03_15") == 0
    assert await used(nc, "org", org, LEADS_SCRAPED, "2026_03_15") == 0
    assert await counters.value(js, USAGE.name, admitted) == 7  # the enforcer's, untouched
    assert await warning_rows(engine, schema, (ws,)) == []
    # A purged counter starts again from nothing (ADR-49: the value is the last message's).
    scratch = usage_subject("ws", unique("scratch"), LEADS_SCRAPED, "2026_03_15")
    assert await counters.increment(nc, scratch, 5) == 5
    async with engine.begin() as conn:
        await LeadsMeter(nc).reset(conn, schema)
    assert await counters.value(js, USAGE.name, scratch) == 0
    assert await counters.increment(nc, scratch, 1) == 1

    runner = ProjectionRunner(nc, engine, schema, LeadsMeter(nc), spec)
    assert await runner.rebuild() == 2
    assert await used(nc, "ws", ws, LEADS_SCRAPED, "2026_03_15") == 2
    assert await counters.value(js, USAGE.name, admitted) == 7
    assert len(await warning_rows(engine, schema, (ws,))) == 2
    assert len(await warnings_published(nc, ws)) == 2
    await js.delete_consumer(spec.stream, spec.durable)
