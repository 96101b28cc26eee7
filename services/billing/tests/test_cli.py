"""`parley billing` against the running billing service, as an operator uses it: the catalog,
an assignment that puts the organization's workspaces on the plan, and refusals that say why."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient

from parley.billing.app import build
from parley.billing.settings import BillingSettings
from parley.contracts.billing.queries import AccountReply, GetAccount
from parley.contracts.envelope import Envelope
from parley.runtime.embedded import EmbeddedNats, free_port
from parley.runtime.queries import query_subject
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

from .test_billing_service import answers

PARLEY = str(Path(sys.executable).with_name("parley"))


@pytest.fixture
async def billing(nats_url: str, database_url: str, nc: NatsClient) -> AsyncIterator[Service]:
    service = build(
        BillingSettings(nats_url=nats_url, database_url=database_url, health_port=free_port())
    )
    task = asyncio.create_task(service.run())
    await eventually(lambda: service.phase == "running", timeout=30)
    await eventually(lambda: answers(nc), timeout=10)  # its endpoints reached the server
    yield service
    service.stop()
    await asyncio.wait_for(task, 15)


async def parley(nats_url: str, *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        PARLEY,
        *args,
        "--nats-url",
        nats_url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_an_operator_lists_plans_assigns_one_and_reads_the_account(
    billing: Service, nats_url: str, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    org, ws = unique("org"), unique("ws")
    first = Envelope.wrap(GetAccount(organization_id=org), workspace_id=ws)
    await nc.request(query_subject("billing", "get-account"), first.to_bytes(), timeout=10)

    code, out, _ = await parley(nats_url, "billing", "plans")
    assert code == 0
    assert "agency" in out
    assert "unlimited" in out

    code, out, err = await parley(nats_url, "billing", "assign", org, "pro", "--by", "ops")
    assert code == 0, err
    assert out.strip() == f"{org}: pro (active) for 1 workspace(s)"

    code, out, _ = await parley(nats_url, "billing", "show", org, "--workspace", ws)
    assert code == 0
    assert f"{org}: pro (active, admin)" in out
    assert "messages_sent" in out

    code, _, err = await parley(nats_url, "billing", "assign", org, "platinum")
    assert code == 1
    assert "PLAN_UNKNOWN: plan: 'platinum' is not a plan" in err
    reply = await nc.request(query_subject("billing", "get-account"), first.to_bytes(), timeout=10)
    assert AccountReply.model_validate_json(reply.data).account.plan == "pro"  # unchanged


async def test_without_a_billing_service_the_cli_says_so(tmp_path: Path) -> None:
    alone = EmbeddedNats(store_dir=tmp_path / "nats")  # no service of any test answers here
    alone.start()
    try:
        code, _, err = await parley(alone.url, "billing", "plans")
    finally:
        alone.stop()
    assert code == 1
    assert "the billing service is not running" in err
