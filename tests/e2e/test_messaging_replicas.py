"""Two messaging processes share one number's rate: together they never exceed it, as the fake
Cloud API measures it, and every message still goes out (waiting, never dropped)."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import ExitStack
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient

from parley.contracts.messaging.channels import ChangeChannel, ChannelChangeResult
from parley.contracts.messaging.commands import SendMessage
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

RATE = 50
MESSAGES = 400


async def test_two_replicas_together_keep_the_number_under_its_rate(
    nats_url: str, database_url: str, nc: NatsClient, tmp_path: Path
) -> None:
    number = phone_number_id()
    async with FakeCloudApi(
        access_token=FAKE_TOKEN,
        app_secret=FAKE_APP_SECRET,
        default_phone_number_id=number,
        messages_per_second=RATE,  # the fake enforces the same limit and counts its refusals
        pair_burst=None,
    ) as fake:
        with ExitStack() as processes:
            for n in range(2):
                log = tmp_path / f"messaging-{n}.log"
                processes.enter_context(
                    messaging_process(nats_url, database_url, fake.base_url, log)
                )
            ws = f"ws-{uuid.uuid4().hex[:12]}"
            payload = {
                "phone_number_id": number,
                "business_account_id": fake.waba_id,
                "access_token": FAKE_TOKEN,
                "app_secret": FAKE_APP_SECRET,
                "verify_token": "verify-me-please",
                "messages_per_second": RATE,
                "warmup": False,
            }
            request = ChangeChannel(channel_id="main", action="connect_cloud_api", payload=payload)

            async def connected() -> bool:
                try:
                    return (await ask(nc, ws, request, ChannelChangeResult)).ok
                except Exception:  # noqa: BLE001 - not up yet
                    return False

            await eventually(connected, timeout=60, interval=0.5)
            # Both replicas must be pulling before the burst, or one would take it all.
            await eventually(lambda: _pullers(nc, 2), timeout=60, interval=0.2)
            prefix = number[-6:]
            await asyncio.gather(
                *(
                    send(
                        nc,
                        ws,
                        SendMessage(
                            command_id=f"burst:{i}",
                            contact_id=f"c-{i}",
                            to=f"1{prefix}{i:04d}",
                            message=template(),
                        ),
                    )
                    for i in range(MESSAGES)
                )
            )
            await eventually(lambda: len(fake.sent) >= MESSAGES, timeout=MESSAGES / RATE + 30)
        recipients = [m.wa_id for m in fake.sent]
        assert len(set(recipients)) == MESSAGES == len(recipients)  # all of them, none twice
        busiest = fake.busiest_second(number)
        elapsed = max(m.time for m in fake.sent) - min(m.time for m in fake.sent)
        print(f"\nbusiest second {busiest}/{RATE}; {MESSAGES} sends in {elapsed:.2f}s")
        assert fake.refused.get(130429, 0) == 0
        # A second-long window may catch a few ms of scheduling jitter, never a real excess.
        assert busiest <= RATE * 1.1
        assert MESSAGES / elapsed <= RATE
        assert MESSAGES / elapsed >= RATE * 0.95  # and the limit is used, not wasted


async def _pullers(nc: NatsClient, wanted: int) -> bool:
    info = await nc.jetstream().consumer_info("MESSAGING", "messaging-send")
    return (info.num_waiting or 0) >= wanted
