"""The campaign dispatcher: hands each running campaign's pending recipients to messaging (a
template campaign) or to the engine (a flow campaign), at the campaign's pace.

One dispatcher leads across all replicas: whoever holds a PostgreSQL advisory-lock lease (see
`parley.runtime.projection_lease`); the others stand by and take over when its session ends.
Recipients are claimed with FOR UPDATE SKIP LOCKED, so even two leaders overlapping during a
failover never take the same recipient. Each tick (TICK_SECONDS) it re-reads which campaigns
run, so a pause or a cancel stops the sending within a tick or two of reaching the read model.

A send's command id is `<campaign_id>:<contact_id>` and its Nats-Msg-Id derives from it: a batch
published twice (a dispatcher dying between publish and bookkeeping) is deduplicated by
JetStream, and beyond its window by messaging's own ledger of command ids.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.campaigns.campaigns import CampaignDefinition
from parley.contracts.campaigns.events import CampaignCompleted, CampaignPaused
from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.executions.inputs import StartExecution
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messaging.commands import SendMessage, command_token
from parley.contracts.subjects import command_subject
from parley.flow_engine.adapters.campaign_recipients import CampaignRecipients, Recipient
from parley.flow_engine.adapters.campaign_views import CampaignViews
from parley.flow_engine.adapters.published_flows import PublishedFlows
from parley.flow_engine.domain.campaigns.content import message_for
from parley.flow_engine.domain.campaigns.decide import CampaignRefused, Complete, Pause
from parley.flow_engine.domain.campaigns.enrollment import enrollment_execution_id
from parley.flow_engine.domain.campaigns.pacing import TICK_SECONDS, TokenBucket
from parley.flow_engine.handlers.campaign_launcher import CampaignLog
from parley.flow_engine.handlers.execution_inputs import input_subject
from parley.runtime.logs import get_logger
from parley.runtime.projection_lease import Lease, wait_event, wait_for_lease

log = get_logger("parley.flow_engine.campaigns")

LEASE_KEY = "parley.flow-engine:campaign-dispatcher"
MAX_BATCH = 500  # recipients claimed in one statement, however fast the campaign goes
LEASE_CHECK = 1.0


@dataclass
class _Sending:
    workspace_id: str
    campaign_id: str
    definition: CampaignDefinition
    channel_id: str
    bucket: TokenBucket
    graph: tuple[int, FlowGraph] | None = None
    recovered: bool = False  # claimed rows of an earlier leader published again


@dataclass
class CampaignDispatcher:
    nc: NatsClient
    engine: AsyncEngine
    views: CampaignViews
    recipients: CampaignRecipients
    campaigns: CampaignLog
    flows: PublishedFlows
    tick: float = TICK_SECONDS
    lease_retry: float = 1.0
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    leading: bool = False
    dispatched: int = 0  # since this process started, for benchmarks and logs

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        while not self._stopping.is_set():
            lease = await wait_for_lease(
                self.engine, LEASE_KEY, retry=self.lease_retry, stopping=self._stopping
            )
            if lease is None:
                return
            try:
                await self._lead(lease)
            except Exception:
                log.exception("campaign dispatcher failed, standing by")
                await wait_event(self._stopping, self.lease_retry)
            finally:
                self.leading = False
                await lease.release()

    async def _lead(self, lease: Lease) -> None:
        self.leading = True
        sending: dict[tuple[str, str], _Sending] = {}
        checked = time.monotonic()
        while not self._stopping.is_set():
            began = time.monotonic()
            if began - checked > LEASE_CHECK:
                if not await lease.alive():
                    log.warning("campaign dispatcher lost its lease")
                    return
                checked = time.monotonic()
            running = await self.views.running()
            keys = {(ws, cid) for ws, cid, *_ in running}
            for gone in set(sending) - keys:
                del sending[gone]  # paused, cancelled or completed: its bucket starts afresh
            for ws, cid, definition, rate, channel_id in running:
                one = sending.get((ws, cid))
                if one is None:
                    one = _Sending(
                        ws, cid, definition, channel_id, TokenBucket.for_rate(rate, self.tick)
                    )
                    sending[(ws, cid)] = one
                try:
                    await self._step(one)
                except Exception:
                    log.exception("campaign dispatch step failed", campaign_id=cid, workspace_id=ws)
            # The tick is a period, not a pause: the work of this one counts toward it.
            await wait_event(self._stopping, max(0.0, self.tick - (time.monotonic() - began)))

    async def _step(self, one: _Sending) -> None:
        ws, cid = one.workspace_id, one.campaign_id
        if not one.recovered:
            await self._publish(one, await self.recipients.claimed(ws, cid))
            one.recovered = True
        wanted = one.bucket.take(time.monotonic(), MAX_BATCH)
        if wanted == 0:
            return
        batch = await self.recipients.claim(ws, cid, wanted, datetime.now(UTC))
        if len(batch) < wanted:
            one.bucket.give_back(wanted - len(batch))
        if batch:
            try:
                await self._publish(one, batch)
            except Exception:
                # Claimed but not all published (NATS failing over, say): publish the claimed
                # rows again on the next tick, deduplicated by their msg ids, or they would
                # stay claimed and the campaign would never complete.
                one.recovered = False
                raise
            return
        if await self.recipients.left(ws, cid) == 0:
            await self._complete(one)

    async def _publish(self, one: _Sending, batch: list[Recipient]) -> None:
        if not batch:
            return
        if one.definition.kind == "flow":
            executions = await self._start_flows(one, batch)
            if executions is None:
                return
        else:
            await asyncio.gather(*(self._send(one, r) for r in batch))
            executions = None
        await self.recipients.dispatched(
            one.workspace_id, one.campaign_id, [r.contact_id for r in batch], executions
        )
        self.dispatched += len(batch)

    async def _send(self, one: _Sending, recipient: Recipient) -> None:
        assert one.definition.template is not None
        ws = one.workspace_id
        command = SendMessage(
            command_id=f"{one.campaign_id}:{recipient.contact_id}",
            contact_id=recipient.contact_id,
            message=message_for(one.definition.template, recipient.profile),
            to=recipient.phone or recipient.user_id,
            channel_id=one.channel_id,
        )
        token = command_token(command.command_id)
        await self.nc.jetstream().publish(
            command_subject("messaging", ws, token),
            Envelope.wrap(command, workspace_id=ws).to_bytes(),
            headers={"Nats-Msg-Id": f"{ws}.{token}"},
        )

    async def _start_flows(self, one: _Sending, batch: list[Recipient]) -> list[str | None] | None:
        ws = one.workspace_id
        if one.graph is None:
            one.graph = await self.flows.latest(ws, one.definition.flow_id)
        if one.graph is None:
            await self._pause(one, f"flow {one.definition.flow_id!r} is no longer published")
            await self.recipients.release(ws, one.campaign_id, [r.contact_id for r in batch])
            return None
        version, graph = one.graph
        ids: list[str | None] = []
        for recipient in batch:
            execution_id = enrollment_execution_id(ws, one.campaign_id, recipient.contact_id)
            contact = recipient.profile.get("contact", {})
            command = StartExecution(
                execution_id=execution_id,
                flow_id=one.definition.flow_id,
                flow_version=version,
                graph=graph,
                contact=ContactSnapshot(
                    contact_id=recipient.contact_id,
                    name=str(contact.get("name", "")),
                    phone=recipient.phone,
                    language=str(contact.get("language", "")),
                    fields={k: str(v) for k, v in dict(contact.get("fields", {})).items()},
                ),
                trigger="campaign",
                variables={"campaign_id": one.campaign_id},
                at=datetime.now(UTC),
            )
            await self.nc.jetstream().publish(
                input_subject(ws, execution_id),
                Envelope.wrap(command, workspace_id=ws).to_bytes(),
                headers={"Nats-Msg-Id": f"campaign-start:{execution_id}"},
            )
            ids.append(execution_id)
        return ids

    async def _complete(self, one: _Sending) -> None:
        ws, cid = one.workspace_id, one.campaign_id
        count = await self.recipients.dispatched_count(ws, cid)
        now = datetime.now(UTC)
        cause = CampaignCompleted(campaign_id=cid, dispatched=count, at=now)
        with suppress(CampaignRefused):  # paused or cancelled a moment ago: nothing to complete
            await self.campaigns.execute(ws, cid, Complete(count, now), cause)
            log.info("campaign completed", campaign_id=cid, workspace_id=ws, dispatched=count)

    async def _pause(self, one: _Sending, reason: str) -> None:
        now = datetime.now(UTC)
        cause = CampaignPaused(campaign_id=one.campaign_id, reason=reason, at=now)
        with suppress(CampaignRefused):
            await self.campaigns.execute(
                one.workspace_id, one.campaign_id, Pause(reason, "dispatcher", now), cause
            )
