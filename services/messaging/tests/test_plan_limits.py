"""The plan's limits in messaging, against the real running service (one or two replicas), real
NATS and the fake Cloud API: a monthly message limit admits exactly its messages while two
replicas send at once, a send that never reached WhatsApp gives its unit back, the sandbox is
not limited, a send admitted before the plan shrank still goes out, and a number over the
plan's `numbers` is refused. Billing is not running: the tests write its entitlements."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.api import KeyValueConfig

from parley.contracts.billing.entitlements import (
    ENTITLEMENTS_BUCKET,
    MESSAGES_SENT,
    NUMBERS,
    Entitlements,
)
from parley.contracts.messaging.channels import ChangeChannel, ChannelChangeResult, NumberPaused
from parley.contracts.messaging.commands import SendMessage, command_token
from parley.contracts.messaging.events import MessageFailed, MessageSent
from parley.contracts.streams import USAGE
from parley.contracts.subjects import event_subject
from parley.messaging.adapters.send_ledger import SendRecord
from parley.messaging.app import build
from parley.messaging.settings import MessagingSettings
from parley.messaging.testing import FakeCloudApi
from parley.messaging.testing.harness import (
    FAKE_APP_SECRET,
    FAKE_TOKEN,
    ask,
    events_of,
    phone_number_id,
    send,
    template,
    until,
)
from parley.runtime.embedded import free_port
from parley.runtime.kv import LazyBucket
from parley.runtime.quotas import Quotas
from parley.runtime.service import Service
from parley.runtime.streams import ensure_stream
from parley.runtime.testing.plugin import eventually

Outcome = MessageSent | MessageFailed


@pytest.fixture
async def fake() -> AsyncIterator[FakeCloudApi]:
    """A fake of our own: its portfolio (waba) is no other test's and its tier is unlimited, so
    a thousand business-initiated templates meet no messaging tier, only the plan."""
    number = phone_number_id()
    api = FakeCloudApi(
        access_token=FAKE_TOKEN,
        app_secret=FAKE_APP_SECRET,
        default_phone_number_id=number,
        display_phone_number="1555" + number[-7:],
        waba_id=str(int(uuid.uuid4().hex[:12], 16)).zfill(15)[:15],
        messaging_limit="TIER_UNLIMITED",
        messages_per_second=None,
        pair_burst=None,
    )
    async with api:
        yield api


@asynccontextmanager
async def replicas(
    nats_url: str, database_url: str, fake: FakeCloudApi, *, send_concurrency: int
) -> AsyncIterator[list[Service]]:
    """Two messaging services on the same NATS and PostgreSQL, as two replicas would run."""
    services: list[Service] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        for _ in range(2):
            service = build(
                MessagingSettings(
                    nats_url=nats_url,
                    database_url=database_url,
                    health_port=free_port(),
                    whatsapp_api_base_url=fake.base_url,
                    whatsapp_call_timeout=3.0,
                    paused_recheck_seconds=0.5,
                    send_concurrency=send_concurrency,
                )
            )
            services.append(service)
            tasks.append(asyncio.create_task(service.run()))
            await eventually(lambda s=service: s.phase == "running", timeout=30)  # type: ignore[misc]
        yield services
    finally:
        for service in services:
            service.stop()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)


def workspace() -> str:
    return f"ws-{uuid.uuid4().hex[:12]}"


def channel() -> str:
    return f"n{uuid.uuid4().hex[:10]}"


def plan(ws: str, **limits: int | None) -> Entitlements:
    return Entitlements(
        plan="free",
        plan_name="Free",
        organization_id=f"org-{ws}",
        limits=limits,
        lifted_by={MESSAGES_SENT: "Starter", NUMBERS: "Starter"},
        upgrade_to="starter",
    )


async def entitle(nc: NatsClient, ws: str, entitlements: Entitlements) -> None:
    """What billing does: the counter stream, the bucket, the workspace's entitlements."""
    await ensure_stream(nc.jetstream(), USAGE)
    kv = await LazyBucket(nc, KeyValueConfig(bucket=ENTITLEMENTS_BUCKET, history=1))()
    await kv.put(ws, entitlements.model_dump_json().encode())


async def admitted(nc: NatsClient, ws: str) -> int:
    """The admission counter of `messages_sent` this period (the enforcer's, not the meter)."""
    quotas = Quotas(nc)
    entitlements = await quotas.entitlements(ws)
    assert entitlements is not None
    return await quotas.used(entitlements, ws, MESSAGES_SENT)


async def connect(
    nc: NatsClient, ws: str, fake: FakeCloudApi, channel_id: str, number: str = ""
) -> ChannelChangeResult:
    payload = {
        "phone_number_id": number or fake.default_phone_number_id,
        "business_account_id": fake.waba_id,
        "access_token": FAKE_TOKEN,
        "app_secret": FAKE_APP_SECRET,
        "verify_token": "verify-me-please",
        "messages_per_second": 1000,
        "warmup": False,
    }
    request = ChangeChannel(channel_id=channel_id, action="connect_cloud_api", payload=payload)
    return await ask(nc, ws, request, ChannelChangeResult)


def recipient(n: int) -> str:
    return f"1444{n:07d}"


def command(tag: str, n: int, channel_id: str) -> SendMessage:
    return SendMessage(
        command_id=f"{tag}:{n}",
        contact_id=f"c-{tag}-{n}",
        to=recipient(n),
        channel_id=channel_id,
        message=template(),
    )


async def outcomes(nc: NatsClient, ws: str, count: int, timeout: float) -> list[Outcome]:
    """Every outcome of the workspace's sends, once there are `count` of them."""

    async def found() -> list[Outcome]:
        events = [
            e for _, e in await events_of(nc, ws) if isinstance(e, MessageSent | MessageFailed)
        ]
        return events if len(events) >= count else []

    return await until(found, timeout=timeout)


async def outcome(nc: NatsClient, ws: str, command_id: str, timeout: float = 15) -> Outcome:
    subject = event_subject("messaging", ws, command_token(command_id))

    async def found() -> list[Outcome]:
        return [
            e
            for _, e in await events_of(nc, ws, subject)
            if isinstance(e, MessageSent | MessageFailed)
        ]

    events = await until(found, timeout=timeout)
    assert len(events) == 1, events
    return events[0]


def sends_settled(service: Service, channel_id: str) -> float:
    """The sends this replica settled on the number (its own metrics registry)."""
    return sum(
        sample.value
        for metric in service.metrics.registry.collect()
        for sample in metric.samples
        if sample.name.endswith("sends_total") and sample.labels.get("channel_id") == channel_id
    )


async def exactly_the_limit(
    nc: NatsClient,
    nodes: list[Service],
    fake: FakeCloudApi,
    *,
    limit: int,
    messages: int,
    timeout: float,
) -> None:
    ws, channel_id = workspace(), channel()
    await entitle(nc, ws, plan(ws, messages_sent=limit))
    assert (await connect(nc, ws, fake, channel_id)).ok
    tag = uuid.uuid4().hex[:6]
    await asyncio.gather(*(send(nc, ws, command(tag, n, channel_id)) for n in range(messages)))
    settled = await outcomes(nc, ws, messages, timeout)
    sent = [e for e in settled if isinstance(e, MessageSent)]
    failed = [e for e in settled if isinstance(e, MessageFailed)]
    assert (len(settled), len(sent), len(failed)) == (messages, limit, messages - limit)
    accepted = [m for m in fake.sent if m.phone_number_id == fake.default_phone_number_id]
    assert len(accepted) == limit
    assert len({m.wa_id for m in accepted}) == limit  # each message once
    assert {e.code for e in failed} == {"PLAN_LIMIT_REACHED"}
    assert {e.reason for e in failed} == {
        f"messages_sent: {limit} of {limit} used this billing period by this workspace"
        " on the Free plan"
    }
    assert {e.remedy for e in failed} == {
        "Upgrade to Starter to lift it. The count starts again with the next billing period."
    }
    assert {e.channel_id for e in failed} == {channel_id}
    assert await admitted(nc, ws) == limit
    # Both replicas took part.
    assert all(sends_settled(node, channel_id) > 0 for node in nodes), [
        sends_settled(node, channel_id) for node in nodes
    ]


@pytest.mark.parametrize("send_concurrency", [64, 512])
async def test_on_a_1000_message_plan_the_1001st_is_refused_while_two_replicas_send(
    nats_url: str, database_url: str, nc: NatsClient, fake: FakeCloudApi, send_concurrency: int
) -> None:
    started = time.monotonic()
    async with replicas(nats_url, database_url, fake, send_concurrency=send_concurrency) as nodes:
        await exactly_the_limit(nc, nodes, fake, limit=1000, messages=1010, timeout=120)
    print(f"1010 sends on two replicas settled in {time.monotonic() - started:.1f}s")


async def test_a_send_whatsapp_rejected_gives_its_unit_back(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws, channel_id = workspace(), channel()
    await entitle(nc, ws, plan(ws, messages_sent=2))
    assert (await connect(nc, ws, fake, channel_id)).ok
    fake.fail_next(131026, to=recipient(0))  # the recipient cannot receive it: fails at once
    await send(nc, ws, command("rj", 0, channel_id))
    rejected = await outcome(nc, ws, "rj:0")
    assert isinstance(rejected, MessageFailed)
    assert rejected.code == "131026"
    assert await admitted(nc, ws) == 0
    for n in (1, 2):
        await send(nc, ws, command("rj", n, channel_id))
        assert isinstance(await outcome(nc, ws, f"rj:{n}"), MessageSent)
    await send(nc, ws, command("rj", 3, channel_id))
    over = await outcome(nc, ws, "rj:3")
    assert isinstance(over, MessageFailed)
    assert over.code == "PLAN_LIMIT_REACHED"
    assert over.reason.startswith("messages_sent: 2 of 2 used")
    assert await admitted(nc, ws) == 2


async def test_the_sandbox_is_not_limited_or_counted(messaging: Service, nc: NatsClient) -> None:
    ws = workspace()
    await entitle(nc, ws, plan(ws, messages_sent=0))
    created = await ask(
        nc, ws, ChangeChannel(channel_id="sandbox", action="create_sandbox"), ChannelChangeResult
    )
    assert created.ok
    for n in range(3):
        await send(
            nc,
            ws,
            SendMessage(
                command_id=f"sb:{n}",
                contact_id=f"c-sb-{n}",
                to=recipient(n),
                channel_id="sandbox",
                message=template(),
            ),
        )
        assert isinstance(await outcome(nc, ws, f"sb:{n}"), MessageSent)
    assert await admitted(nc, ws) == 0


async def test_a_send_admitted_before_the_plan_shrank_still_goes_out(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws, channel_id = workspace(), channel()
    await entitle(nc, ws, plan(ws, messages_sent=5))
    assert (await connect(nc, ws, fake, channel_id)).ok
    held_key = f"{ws}.{command_token('held:0')}"
    # Every increment request on the admission counters, duplicates included (core NATS sees
    # what the stream's duplicate window would hide).
    reservations: list[str] = []

    async def seen(msg: Msg) -> None:
        msg_id = (msg.headers or {}).get("Nats-Msg-Id", "")
        if msg_id.startswith(f"reserve:{held_key}:"):
            reservations.append(msg_id)

    watch = await nc.subscribe(f"usage.*.*.{MESSAGES_SENT}.>", cb=seen)
    fake.fail_next(131031, to=recipient(0))  # the account is locked: the number pauses
    await send(nc, ws, command("held", 0, channel_id))

    async def paused() -> list[NumberPaused]:
        return [e for _, e in await events_of(nc, ws) if isinstance(e, NumberPaused)]

    await until(paused, timeout=10)
    assert await admitted(nc, ws) == 1  # the waiting send holds its unit
    await entitle(nc, ws, plan(ws, messages_sent=0))  # the plan shrinks below what is held
    tries = iter(range(1, 1000))

    async def a_new_send_is_refused() -> bool:
        # Until the service has read the new plan (its cache holds it for 0.5 s) a new send
        # may still be admitted; it then waits on the paused number like the first one.
        n = next(tries)
        await send(nc, ws, command("new", n, channel_id))
        try:
            result = await outcome(nc, ws, f"new:{n}", timeout=2)
        except AssertionError:
            return False
        return isinstance(result, MessageFailed) and result.code == "PLAN_LIMIT_REACHED"

    await eventually(a_new_send_is_refused, timeout=20)
    # The held send comes back while the new plan is in force (it rechecks the paused number
    # every 0.5 s): it must not ask the plan again.
    since = datetime.now(UTC)
    sends = await nc.jetstream().key_value("messaging_sends")

    async def rechecked_under_the_new_plan() -> bool:
        record = SendRecord.model_validate_json((await sends.get(held_key)).value or b"{}")
        return record.code == "NUMBER_PAUSED" and record.at > since and record.quota_reserved

    await eventually(rechecked_under_the_new_plan, timeout=10)
    resumed = await ask(
        nc, ws, ChangeChannel(channel_id=channel_id, action="resume"), ChannelChangeResult
    )
    assert resumed.ok
    first = await outcome(nc, ws, "held:0")
    assert isinstance(first, MessageSent)
    assert [m.wa_id for m in fake.sent if m.wa_id == recipient(0)] == [recipient(0)]
    await watch.unsubscribe()
    assert len(reservations) == 2, reservations  # once, on the workspace's and the org's counter


async def test_a_second_number_over_the_plan_is_refused_and_the_first_still_sends(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws, first, second = workspace(), channel(), channel()
    await entitle(nc, ws, plan(ws, numbers=1))
    assert (await connect(nc, ws, fake, first)).ok
    other = phone_number_id()
    fake.phone_numbers[other] = "1555" + other[-7:]
    refused = await connect(nc, ws, fake, second, other)
    assert (refused.ok, refused.code) == (False, "PLAN_LIMIT_REACHED")
    assert refused.message == (
        "numbers: 1 of 1 used now by this workspace on the Free plan."
        " Upgrade to Starter to lift it."
    )
    # The number already connected is not a new one: connecting it again is not a plan matter.
    again = await connect(nc, ws, fake, first)
    assert again.code == "CHANNEL_EXISTS"
    # The sandbox is not a number.
    sandbox = await ask(
        nc, ws, ChangeChannel(channel_id="sandbox", action="create_sandbox"), ChannelChangeResult
    )
    assert sandbox.ok
    await send(nc, ws, command("one", 0, first))
    assert isinstance(await outcome(nc, ws, "one:0"), MessageSent)
    # Once the first is disconnected, the workspace has room for another.
    gone = await ask(
        nc, ws, ChangeChannel(channel_id=first, action="disconnect"), ChannelChangeResult
    )
    assert gone.ok
    assert (await connect(nc, ws, fake, second, other)).ok
