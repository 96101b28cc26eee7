"""Usage totals hold through a crash and a replay, with the services as processes: a messaging
process sends on a real (fake Cloud API) number, the billing process meters each MessageSent;
billing is SIGKILLed and started again, then its meter is rebuilt from the stream with
`parley replay projections billing`. The totals stay exactly the messages sent, equal to
messaging's own admission count."""

from __future__ import annotations

import asyncio
import signal
import sys
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient
from nats.errors import NoRespondersError
from nats.js.errors import NoStreamResponseError

from parley.billing.testing.process import billing_process
from parley.contracts.billing.commands import RegisterWorkspace
from parley.contracts.billing.entitlements import MESSAGES_SENT
from parley.contracts.billing.queries import AccountReply, GetAccount
from parley.contracts.envelope import Envelope
from parley.contracts.messaging.channels import ChangeChannel, ChannelChangeResult
from parley.contracts.messaging.commands import SendMessage
from parley.contracts.subjects import command_subject
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
from parley.runtime.queries import query_subject
from parley.runtime.quotas import Quotas
from parley.runtime.testing.plugin import eventually

pytestmark = pytest.mark.e2e

PARLEY = str(Path(sys.executable).with_name("parley"))


async def usage(nc: NatsClient, org: str, ws: str) -> dict[str, int]:
    envelope = Envelope.wrap(GetAccount(organization_id=org), workspace_id=ws)
    answer = await nc.request(query_subject("billing", "get-account"), envelope.to_bytes(), 10)
    reply = AccountReply.model_validate_json(answer.data)
    return {u.scope: u.used for u in reply.usage if u.metric == MESSAGES_SENT}


async def admitted(nc: NatsClient, ws: str) -> int:
    quotas = Quotas(nc, cache_seconds=0)
    entitlements = await quotas.entitlements(ws)
    assert entitlements is not None
    return await quotas.used(entitlements, ws, MESSAGES_SENT)


async def test_usage_totals_are_the_same_after_a_crash_and_after_a_replay(
    nats_url: str, database_url: str, nc: NatsClient, tmp_path: Path
) -> None:
    org, ws = f"org-{uuid.uuid4().hex[:10]}", f"ws-{uuid.uuid4().hex[:10]}"
    number = phone_number_id()
    async with FakeCloudApi(
        access_token=FAKE_TOKEN,
        app_secret=FAKE_APP_SECRET,
        default_phone_number_id=number,
        messages_per_second=None,
        pair_burst=None,
    ) as fake:
        with ExitStack() as processes:
            processes.enter_context(
                messaging_process(nats_url, database_url, fake.base_url, tmp_path / "m.log")
            )
            first = processes.enter_context(
                billing_process(nats_url, database_url, tmp_path / "b1.log")
            )
            register = RegisterWorkspace(organization_id=org, workspace_id=ws, at=datetime.now(UTC))

            async def registered() -> bool:
                try:  # until billing has created its stream, nothing takes the command
                    await nc.jetstream().publish(
                        command_subject("billing", org, "account"),
                        Envelope.wrap(register, workspace_id=org).to_bytes(),
                        headers={"Nats-Msg-Id": f"register:{ws}"},
                    )
                except (NoRespondersError, NoStreamResponseError):
                    return False
                return await Quotas(nc, cache_seconds=0).entitlements(ws) is not None

            await eventually(registered, timeout=60, interval=0.5)
            connect = ChangeChannel(
                channel_id="main",
                action="connect_cloud_api",
                payload={
                    "phone_number_id": number,
                    "business_account_id": fake.waba_id,
                    "access_token": FAKE_TOKEN,
                    "app_secret": FAKE_APP_SECRET,
                    "verify_token": "verify-me-please",
                    "messages_per_second": 80,
                    "warmup": False,
                },
            )

            async def connected() -> bool:
                try:
                    return (await ask(nc, ws, connect, ChannelChangeResult)).ok
                except Exception:  # noqa: BLE001 - messaging not up yet
                    return False

            await eventually(connected, timeout=60, interval=0.5)

            async def burst(start: int, count: int) -> None:
                prefix = number[-6:]
                await asyncio.gather(
                    *(
                        send(
                            nc,
                            ws,
                            SendMessage(
                                command_id=f"usage:{i}",
                                contact_id=f"c-{i}",
                                to=f"1{prefix}{i:04d}",
                                message=template(),
                            ),
                        )
                        for i in range(start, start + count)
                    )
                )

            async def metered(total: int) -> bool:
                try:
                    return await usage(nc, org, ws) == {"ws": total, "org": total}
                except Exception:  # noqa: BLE001 - billing restarting
                    return False

            await burst(0, 60)
            await eventually(lambda: len(fake.sent) == 60, timeout=60)
            await eventually(lambda: metered(60), timeout=30)

            first.send_signal(signal.SIGKILL)
            first.wait(10)
            await burst(60, 15)  # sent while billing is down
            await eventually(lambda: len(fake.sent) == 75, timeout=60)
            processes.enter_context(billing_process(nats_url, database_url, tmp_path / "b2.log"))
            await eventually(lambda: metered(75), timeout=60, interval=0.2)

            rebuild = await asyncio.create_subprocess_exec(
                PARLEY,
                "replay",
                "projections",
                "billing",
                "-p",
                "meter-messages",
                "--nats-url",
                nats_url,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await asyncio.wait_for(rebuild.communicate(), 120)
            assert rebuild.returncode == 0, err.decode()
            assert "meter-messages" in out.decode()
            assert await usage(nc, org, ws) == {"ws": 75, "org": 75}
            assert await admitted(nc, ws) == 75  # what messaging admitted, on its own counter
