"""Messaging as real processes: SIGKILL in the middle of a 5,000-message burst, then a restart.

Issue 4's acceptance: every message ends Sent or Failed (a send caught mid-call is reported as
UNKNOWN_OUTCOME rather than risked twice), and the fake Cloud API saw no duplicate.
"""

from __future__ import annotations

import asyncio
import signal
import uuid
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.messaging.channels import ChangeChannel, ChannelChangeResult
from parley.contracts.messaging.commands import SendMessage
from parley.contracts.messaging.events import MessageFailed, MessageSent
from parley.contracts.registry import registry
from parley.messaging.testing import FakeCloudApi
from parley.messaging.testing.harness import (
    FAKE_APP_SECRET,
    FAKE_TOKEN,
    ask,
    phone_number_id,
    send,
    template,
)
from parley.messaging.testing.process import messaging_process
from parley.runtime.testing.plugin import eventually

pytestmark = pytest.mark.e2e

MESSAGES = 5000


async def outcomes(nc: NatsClient, ws: str) -> dict[str, list[str]]:
    """command id -> the outcome events announced for it."""
    sub = await nc.jetstream().subscribe(f"messaging.evt.{ws}.>", ordered_consumer=True)
    found: dict[str, list[str]] = {}
    try:
        while True:
            try:
                msg = await sub.next_msg(timeout=0.5)
            except TimeoutError:
                return found
            event = registry.decode(Envelope.from_bytes(msg.data))
            if isinstance(event, MessageSent):
                found.setdefault(event.command_id, []).append("sent")
            elif isinstance(event, MessageFailed):
                found.setdefault(event.command_id, []).append(f"failed:{event.code}")
    finally:
        await sub.unsubscribe()


@pytest.mark.timeout(300)
async def test_sigkill_during_a_burst_loses_nothing_and_sends_nothing_twice(
    nats_url: str, database_url: str, nc: NatsClient, tmp_path: Path
) -> None:
    number = phone_number_id()
    async with FakeCloudApi(
        access_token=FAKE_TOKEN,
        app_secret=FAKE_APP_SECRET,
        default_phone_number_id=number,
        messages_per_second=None,
        pair_burst=None,
        messaging_limit="TIER_UNLIMITED",  # 5,000 new people at once needs an unlimited tier
    ) as fake:
        log = tmp_path / "messaging.log"
        ws = f"ws-{uuid.uuid4().hex[:12]}"
        with messaging_process(nats_url, database_url, fake.base_url, log) as first:
            payload = {
                "phone_number_id": number,
                "business_account_id": fake.waba_id,
                "access_token": FAKE_TOKEN,
                "app_secret": FAKE_APP_SECRET,
                "verify_token": "verify-me-please",
                "messages_per_second": 1000,
                "warmup": False,
            }
            request = ChangeChannel(channel_id="main", action="connect_cloud_api", payload=payload)

            async def connected() -> bool:
                try:
                    return (await ask(nc, ws, request, ChannelChangeResult)).ok
                except Exception:  # noqa: BLE001 - not up yet
                    return False

            await eventually(connected, timeout=60, interval=0.5)
            prefix = number[-6:]
            for start in range(0, MESSAGES, 500):
                await asyncio.gather(
                    *(
                        send(
                            nc,
                            ws,
                            SendMessage(
                                command_id=f"burst:{i}",
                                contact_id=f"c-{i}",
                                to=f"1{prefix}{i:05d}",
                                message=template(),
                            ),
                        )
                        for i in range(start, min(MESSAGES, start + 500))
                    )
                )
            await eventually(lambda: len(fake.sent) >= MESSAGES // 3, timeout=120)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        sent_at_kill = len(fake.sent)
        assert sent_at_kill < MESSAGES, "the kill came too late to prove anything"
        with messaging_process(nats_url, database_url, fake.base_url, log):

            async def all_settled() -> bool:
                return len(await outcomes(nc, ws)) == MESSAGES

            await eventually(all_settled, timeout=240, interval=2)
        settled = await outcomes(nc, ws)
        assert all(len(kinds) == 1 for kinds in settled.values())
        kinds = [k[0] for k in settled.values()]
        unknown = kinds.count("failed:UNKNOWN_OUTCOME")
        assert kinds.count("sent") + unknown == MESSAGES, sorted(set(kinds))
        recipients = [m.wa_id for m in fake.sent]
        assert len(recipients) == len(set(recipients)), "the fake saw a duplicate"
        # Every message the fake took is reported Sent, except those caught mid-call.
        assert len(recipients) >= kinds.count("sent")
        print(f"\nkilled after {sent_at_kill} sends; {unknown} reported UNKNOWN_OUTCOME")
