"""Campaigns end to end in one process: the real flow engine, crm and messaging services over
real NATS and Postgres, sending to the fake WhatsApp Cloud API."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient

from parley.contracts.billing.entitlements import MESSAGES_SENT
from parley.contracts.campaigns.campaigns import CampaignDefinition, CampaignView
from parley.contracts.campaigns.queries import (
    CampaignChangeResult,
    CampaignPage,
    CampaignReply,
    ChangeCampaign,
    DryRunCampaign,
    DryRunResult,
    GetCampaign,
    ListCampaigns,
)
from parley.contracts.crm.contacts import ContactSource
from parley.contracts.crm.events import ContactCreated, ContactOptedIn
from parley.contracts.crm.segment_queries import PreviewSegment, SegmentPreview
from parley.contracts.crm.segments import SegmentFilter
from parley.contracts.envelope import Envelope
from parley.contracts.ids import contact_id_for
from parley.contracts.messages import Query, Reply
from parley.contracts.messaging.channels import ChangeChannel, ChannelChangeResult
from parley.crm.app import build as build_crm
from parley.crm.settings import CrmSettings
from parley.flow_engine.app import build as build_engine
from parley.flow_engine.settings import FlowEngineSettings
from parley.flow_engine.testing.plans import entitle, free_plan, use
from parley.messaging.adapters.ingress import publish_webhook
from parley.messaging.app import build as build_messaging
from parley.messaging.domain.sandbox_webhooks import inbound_body, status_body
from parley.messaging.settings import MessagingSettings
from parley.messaging.testing import FakeCloudApi, SentMessage
from parley.messaging.testing.harness import FAKE_APP_SECRET, FAKE_TOKEN, phone_number_id
from parley.runtime.embedded import free_port
from parley.runtime.queries import query_subject
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually
from parley.runtime.testing.purge import purge_workspace

TAG = "promo"
EVERYONE = {"kind": "group", "match": "all", "conditions": [{"kind": "tag", "tag": TAG}]}


async def ask(nc: NatsClient, service: str, name: str, ws: str, query: Query, reply: type[Any],
              timeout: float = 60.0) -> Any:  # fmt: skip
    answer = await nc.request(
        query_subject(service, name),
        Envelope.wrap(query, workspace_id=ws).to_bytes(),
        timeout=timeout,
    )
    headers = answer.headers or {}
    assert "Nats-Service-Error-Code" not in headers, headers
    parsed: Reply = reply.model_validate_json(answer.data)
    return parsed


async def change(
    nc: NatsClient, ws: str, cid: str, action: str, **extra: Any
) -> CampaignChangeResult:
    request = ChangeCampaign(campaign_id=cid, action=action, **extra)  # type: ignore[arg-type]
    result: CampaignChangeResult = await ask(
        nc, "flow-engine", "change-campaign", ws, request, CampaignChangeResult
    )
    return result


async def get(nc: NatsClient, ws: str, cid: str) -> CampaignView:
    reply = await ask(
        nc, "flow-engine", "get-campaign", ws, GetCampaign(campaign_id=cid), CampaignReply
    )
    view: CampaignView = reply.campaign
    return view


async def dry_run(
    nc: NatsClient, ws: str, cid: str, definition: CampaignDefinition | None = None
) -> Any:
    query = DryRunCampaign(campaign_id=cid, definition=definition)
    return (await ask(nc, "flow-engine", "dry-run-campaign", ws, query, DryRunResult)).report


def template_campaign(**extra: Any) -> CampaignDefinition:
    fields: dict[str, Any] = {
        "name": "Winter promo",
        "kind": "template",
        "filter": EVERYONE,
        "template": {
            "kind": "template",
            "name": "winter_promo",
            "language": "en_US",
            "body_parameters": ['{{contact.name | "friend"}}'],
        },
    }
    return CampaignDefinition.model_validate(fields | extra)


@dataclass
class Stack:
    nc: NatsClient
    fake: FakeCloudApi
    engine: Service

    def mine(self) -> list[SentMessage]:
        """What the fake accepted from this test's number (the database, and so any campaign
        an earlier test left running, is shared by the session)."""
        return [m for m in self.fake.sent if m.phone_number_id == self.fake.default_phone_number_id]

    async def workspace(self, *, messages_per_second: int = 80) -> str:
        ws = f"ws-{uuid.uuid4().hex[:12]}"
        payload = {
            "phone_number_id": self.fake.default_phone_number_id,
            "business_account_id": self.fake.waba_id,
            "access_token": FAKE_TOKEN,
            "app_secret": FAKE_APP_SECRET,
            "verify_token": "verify-me-please",
            "warmup": False,
            "messages_per_second": messages_per_second,
        }
        request = ChangeChannel(channel_id="main", action="connect_cloud_api", payload=payload)
        result = await ask(self.nc, "messaging", "change-channel", ws, request, ChannelChangeResult)
        assert result.ok, result
        return ws

    async def contacts(
        self,
        ws: str,
        count: int,
        *,
        consent: bool = True,
        first: int = 0,
        source: ContactSource = "import",
        **extra: Any,
    ) -> list[tuple[str, str]]:
        """`count` contacts tagged TAG, opted in unless told otherwise: (contact id, wa id)."""
        js = self.nc.jetstream()
        made: list[tuple[str, str]] = []
        now = datetime.now(UTC)
        pending = []
        for n in range(first, first + count):
            wa_id = f"1555{n:07d}"
            cid = contact_id_for(ws, wa_id)
            made.append((cid, wa_id))
            created = ContactCreated(
                contact_id=cid, phone=f"+{wa_id}", name=f"Contact {n}", tags=(TAG,),
                source=source, at=now, **extra,
            )  # fmt: skip
            subject = f"crm.evt.{ws}.{cid}"
            pending.append(js.publish(subject, Envelope.wrap(created, workspace_id=ws).to_bytes()))
            if consent:
                opted = ContactOptedIn(contact_id=cid, at=now, source="test", wording="yes")
                pending.append(
                    js.publish(subject, Envelope.wrap(opted, workspace_id=ws).to_bytes())
                )
            if len(pending) >= 400:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
        return made

    async def audience(self, ws: str) -> SegmentPreview:
        query = PreviewSegment(filter=SegmentFilter.model_validate(EVERYONE), sample=0)
        preview: SegmentPreview = await ask(
            self.nc, "crm", "preview-segment", ws, query, SegmentPreview
        )
        return preview

    async def wait_audience(self, ws: str, count: int, timeout: float = 60) -> None:
        async def seen() -> bool:
            return (await self.audience(ws)).count >= count

        await eventually(seen, timeout=timeout, interval=0.25)

    async def deliver(self, wamids: list[tuple[str, str]]) -> None:
        """Webhooks saying each (wamid, wa id) was delivered, 200 statuses a POST."""
        stamp = int(time.time())
        for start in range(0, len(wamids), 200):
            chunk = wamids[start : start + 200]
            body = status_body(
                phone_number_id=self.fake.default_phone_number_id,
                display_phone_number=self.fake.display_phone_number,
                waba_id=self.fake.waba_id,
                message_id=chunk[0][0],
                recipient=chunk[0][1],
                status="delivered",
                timestamp=stamp,
            )
            body["entry"][0]["changes"][0]["value"]["statuses"] = [
                {"id": w, "status": "delivered", "timestamp": str(stamp), "recipient_id": r}
                for w, r in chunk
            ]
            await publish_webhook(
                self.nc.jetstream(), "meta", body, FAKE_APP_SECRET, f"ingress:dlv:{chunk[0][0]}"
            )

    async def writes(self, wa_id: str, words: str) -> None:
        message_id = f"wamid.in.{uuid.uuid4().hex}"
        body = inbound_body(
            phone_number_id=self.fake.default_phone_number_id,
            display_phone_number=self.fake.display_phone_number,
            waba_id=self.fake.waba_id,
            wa_id=wa_id,
            profile_name="Ana",
            message_id=message_id,
            timestamp=int(time.time()),
            kind="text",
            text=words,
        )
        await publish_webhook(
            self.nc.jetstream(), "meta", body, FAKE_APP_SECRET, f"ingress:{message_id}"
        )


async def _running(service: Service) -> asyncio.Task[None]:
    task = asyncio.create_task(service.run())
    await eventually(lambda: service.phase == "running", timeout=30)
    return task


@pytest.fixture
async def fake() -> AsyncIterator[FakeCloudApi]:
    number = phone_number_id()
    api = FakeCloudApi(
        access_token=FAKE_TOKEN,
        app_secret=FAKE_APP_SECRET,
        default_phone_number_id=number,
        display_phone_number="1555" + number[-7:],
        messages_per_second=80,
        pair_burst=None,
        messaging_limit="TIER_100K",
    )
    async with api:
        yield api


@pytest.fixture
async def stack(
    nats_url: str, database_url: str, nc: NatsClient, fake: FakeCloudApi
) -> AsyncIterator[Stack]:
    services = [
        build_messaging(
            MessagingSettings(
                nats_url=nats_url,
                database_url=database_url,
                health_port=free_port(),
                whatsapp_api_base_url=fake.base_url,
                whatsapp_call_timeout=3.0,
            )
        ),
        build_crm(
            CrmSettings(nats_url=nats_url, database_url=database_url, health_port=free_port())
        ),
        build_engine(
            FlowEngineSettings(
                nats_url=nats_url, database_url=database_url, health_port=free_port()
            )
        ),
    ]
    tasks = [await _running(s) for s in services]
    yield Stack(nc, fake, services[2])
    for service in reversed(services):
        service.stop()
    for task in tasks:
        await asyncio.wait_for(task, 15)


async def test_a_campaign_moves_and_refuses_moves_its_status_forbids(stack: Stack) -> None:
    ws = await stack.workspace()
    await stack.contacts(ws, 3)
    await stack.wait_audience(ws, 3)
    cid = f"cmp-{uuid.uuid4().hex[:8]}"
    created = await change(
        stack.nc, ws, cid, "create", definition=template_campaign(max_per_second=1)
    )
    assert created.ok, created
    again = await change(stack.nc, ws, cid, "create", definition=template_campaign())
    assert (again.ok, again.code) == (False, "CAMPAIGN_EXISTS")
    resumed = await change(stack.nc, ws, cid, "resume")
    assert (resumed.ok, resumed.code) == (False, "CAMPAIGN_STATE")
    assert "draft" in resumed.message
    later = datetime.now(UTC) + timedelta(hours=1)
    scheduled = await change(stack.nc, ws, cid, "schedule", send_at=later)
    assert scheduled.ok, scheduled
    assert scheduled.campaign is not None
    assert scheduled.campaign.status == "scheduled"
    launched = await change(stack.nc, ws, cid, "launch")
    assert launched.ok, launched
    assert launched.campaign is not None
    assert (launched.campaign.status, launched.campaign.stats.targeted) == ("running", 3)
    assert launched.campaign.rate_per_second == 1.0
    update = await change(stack.nc, ws, cid, "update", definition=template_campaign())
    assert (update.ok, update.code) == (False, "CAMPAIGN_STATE")
    assert "running" in update.message
    paused = await change(stack.nc, ws, cid, "pause", by="ana")
    assert paused.campaign is not None
    assert paused.campaign.status == "paused"
    cancelled = await change(stack.nc, ws, cid, "cancel")
    assert cancelled.campaign is not None
    assert cancelled.campaign.status == "cancelled"
    refused = await change(stack.nc, ws, cid, "resume")
    assert (refused.ok, refused.code) == (False, "CAMPAIGN_STATE")

    async def listed() -> bool:
        page = await ask(
            stack.nc,
            "flow-engine",
            "list-campaigns",
            ws,
            ListCampaigns(status="cancelled"),
            CampaignPage,
        )
        return [c.campaign_id for c in page.items] == [cid]

    await eventually(listed, timeout=10)
    view = await get(stack.nc, ws, cid)
    assert view.status == "cancelled"
    assert view.stats.targeted == 3


async def test_list_campaigns_pages_newest_first(stack: Stack) -> None:
    ws = await stack.workspace()
    ids = [f"cmp-p{n}" for n in range(5)]
    for cid in ids:
        assert (await change(stack.nc, ws, cid, "create", definition=template_campaign())).ok

    async def all_listed() -> list[str]:
        seen: list[str] = []
        cursor = ""
        while True:
            query = ListCampaigns(limit=2, cursor=cursor)
            page = await ask(stack.nc, "flow-engine", "list-campaigns", ws, query, CampaignPage)
            seen += [c.campaign_id for c in page.items]
            if page.next_cursor is None:
                return seen
            cursor = page.next_cursor

    await eventually(lambda: _equal(all_listed(), list(reversed(ids))), timeout=10)
    other = f"ws-{uuid.uuid4().hex[:12]}"  # another workspace sees none of them
    page = await ask(
        stack.nc, "flow-engine", "list-campaigns", other, ListCampaigns(), CampaignPage
    )
    assert page.items == ()


async def _equal(found: Any, expected: list[str]) -> bool:
    return bool(await found == expected)


async def test_the_dry_run_reports_exclusions_and_problems_and_launch_refuses_them(
    stack: Stack,
) -> None:
    ws = await stack.workspace()
    await stack.contacts(ws, 4)  # opted in
    await stack.contacts(ws, 2, consent=False, first=100)  # no opt-in evidence
    await stack.wait_audience(ws, 6)
    cid = "cmp-dry"
    needs_city = template_campaign(
        template={
            "kind": "template",
            "name": "promo",
            "language": "en_US",
            "body_parameters": ["{{contact.fields.city}}"],
        }
    )
    assert (await change(stack.nc, ws, cid, "create", definition=needs_city)).ok
    report = await dry_run(stack.nc, ws, cid)
    assert (report.audience, report.will_send) == (6, 4)
    assert report.excluded_without_opt_in == 2
    assert report.outside_window == 4
    assert (report.tier, report.tier_limit, report.tier_after) == ("TIER_100K", 100_000, 4)
    assert report.rate_per_second == 72.0
    found = {p.code: p for p in report.problems}
    assert found["WITHOUT_OPT_IN"].count == 2
    assert not found["WITHOUT_OPT_IN"].blocking
    assert found["TEMPLATE_FIELD_MISSING"].count == 4
    assert found["TEMPLATE_FIELD_MISSING"].blocking
    refused = await change(stack.nc, ws, cid, "launch")
    assert (refused.ok, refused.code) == (False, "CAMPAIGN_BLOCKED")
    assert [p.code for p in refused.problems] == ["TEMPLATE_FIELD_MISSING"]
    assert "TEMPLATE_FIELD_MISSING" in refused.message
    later = datetime.now(UTC) + timedelta(hours=1)
    assert (await change(stack.nc, ws, cid, "schedule", send_at=later)).code == "CAMPAIGN_BLOCKED"
    # A definition checked before it is saved: a bad template, a missing flow, no number.
    bad = template_campaign(template={"kind": "template", "name": "", "language": "en_US"})
    codes = {p.code for p in (await dry_run(stack.nc, ws, "cmp-x", bad)).problems}
    assert "TEMPLATE_INVALID" in codes
    flow = template_campaign(kind="flow", flow_id="nope", template=None)
    codes = {p.code for p in (await dry_run(stack.nc, ws, "cmp-x", flow)).problems}
    assert "FLOW_NOT_PUBLISHED" in codes
    nobody = f"ws-{uuid.uuid4().hex[:12]}"
    report = await dry_run(stack.nc, nobody, "cmp-x", template_campaign())
    assert {p.code for p in report.problems} >= {"NO_CHANNEL", "NO_AUDIENCE"}


async def test_captured_leads_get_no_template_even_when_contacts_without_opt_in_are_included(
    stack: Stack,
) -> None:
    ws = await stack.workspace()
    # Numbers of their own (7,1xx,xxx...): other tests of the module send from the same number.
    chosen = await stack.contacts(ws, 2, first=7_100_000)  # opted in
    chosen += await stack.contacts(ws, 3, consent=False, first=7_200_000)  # agreed elsewhere
    leads = await stack.contacts(ws, 2, consent=False, first=7_300_000, source="scraper")
    await stack.wait_audience(ws, 7)
    cid = "cmp-leads"
    everyone = template_campaign(include_without_opt_in=True)
    assert (await change(stack.nc, ws, cid, "create", definition=everyone)).ok
    report = await dry_run(stack.nc, ws, cid)
    assert (report.audience, report.will_send, report.excluded_without_opt_in) == (7, 5, 2)
    warning = next(p for p in report.problems if p.code == "WITHOUT_OPT_IN")
    assert "2 of them captured leads" in warning.message
    launched = await change(stack.nc, ws, cid, "launch")
    assert launched.ok, launched
    assert launched.campaign is not None
    assert launched.campaign.stats.targeted == 5
    ours = {wa_id for _, wa_id in chosen + leads}

    def reached() -> set[str]:
        return {m.wa_id for m in stack.mine() if m.wa_id in ours}

    await eventually(lambda: len(reached()) >= 5, timeout=30)
    view = await get(stack.nc, ws, cid)
    assert view.stats.targeted == 5
    assert reached() == {wa_id for _, wa_id in chosen}


@pytest.mark.bulk
@pytest.mark.timeout(600)
async def test_ten_thousand_contacts_at_80_per_second_complete_with_exact_stats(
    stack: Stack,
) -> None:
    total = 10_000
    ws = await stack.workspace(messages_per_second=80)
    # Half the events for crm to project: consent is not what this test is about, so the
    # contacts carry no opt-in evidence and the campaign includes them, knowingly.
    await stack.contacts(ws, total, consent=False)
    await stack.wait_audience(ws, total, timeout=300)
    cid = "cmp-10k"
    everyone = template_campaign(include_without_opt_in=True)
    assert (await change(stack.nc, ws, cid, "create", definition=everyone)).ok
    started = time.monotonic()
    launched = await change(stack.nc, ws, cid, "launch")
    assert launched.ok, launched
    assert launched.campaign is not None
    assert launched.campaign.stats.targeted == total
    assert launched.campaign.rate_per_second == 72.0
    delivered: set[str] = set()

    async def finished() -> bool:
        fresh = [(m.wamid, m.wa_id) for m in stack.mine() if m.wamid not in delivered]
        await stack.deliver(fresh)
        delivered.update(w for w, _ in fresh)
        view = await get(stack.nc, ws, cid)
        return view.status == "completed" and view.stats.delivered == total

    await eventually(finished, timeout=220, interval=1.0)
    took = time.monotonic() - started
    view = await get(stack.nc, ws, cid)
    stats = view.stats
    assert (stats.targeted, stats.sent, stats.delivered, stats.failed) == (total, total, total, 0)
    assert (stats.pending, stats.limited_by_meta, stats.opted_out) == (0, 0, 0)
    mine = stack.mine()
    assert len({m.wa_id for m in mine}) == total == len(mine)  # each contact exactly once
    assert (
        mine[0].payload["template"]["components"][0]["parameters"][0]["text"].startswith("Contact")
    )
    # The limit as WhatsApp enforces it, which the fake models (a bucket of one second's
    # messages, platform-facts §A3): it never had to refuse one for throughput ...
    assert stack.fake.refused.get(130429, 0) == 0
    # ... and the pace held over every five seconds. A single second may show a few more than
    # 80 arrivals: this process also runs crm, the engine and messaging, and a send delayed by
    # their work lands beside the next one (a network does the same to Meta).
    number = stack.fake.default_phone_number_id
    busiest_five = stack.fake.busiest_second(number, window=5.0)
    assert busiest_five <= 5 * 80
    busiest = stack.fake.busiest_second(number)
    print(
        f"\n10k campaign: launch to all delivered {took:.1f}s, busiest second {busiest},"
        f" busiest five seconds {busiest_five}"
    )
    assert took < 200
    await purge_workspace(stack.nc.jetstream(), ws)  # later tests' projections need not read it


@pytest.mark.timeout(120)
async def test_stop_in_the_middle_of_a_campaign_stops_that_contact(stack: Stack) -> None:
    ws = await stack.workspace()
    people = await stack.contacts(ws, 30)
    await stack.wait_audience(ws, 30)
    order = sorted(people)  # the dispatcher goes in contact id order
    _, late_wa = order[25]
    cid = "cmp-stop"
    assert (
        await change(stack.nc, ws, cid, "create", definition=template_campaign(max_per_second=3))
    ).ok
    assert (await change(stack.nc, ws, cid, "launch")).ok

    def sent_to() -> set[str]:
        return {m.wa_id for m in stack.mine()}

    await eventually(lambda: len(sent_to() & {wa for _, wa in order}) >= 3, timeout=20)
    assert late_wa not in sent_to()
    await stack.writes(late_wa, "STOP")

    seen: list[CampaignView] = []

    async def done() -> bool:
        seen.append(await get(stack.nc, ws, cid))
        return seen[-1].status == "completed" and seen[-1].stats.opted_out == 1

    try:
        await eventually(done, timeout=60, interval=0.5)
    except AssertionError:
        raise AssertionError(f"the campaign ended as {seen[-1]!r}") from None
    assert late_wa not in sent_to()
    view = await get(stack.nc, ws, cid)
    assert view.stats.targeted == 30
    assert view.stats.sent == 29
    assert len(sent_to() & {wa for _, wa in order}) == 29


async def wait_status(stack: Stack, ws: str, cid: str, status: str) -> CampaignView:
    seen: list[CampaignView] = []

    async def there() -> bool:
        seen.append(await get(stack.nc, ws, cid))
        return seen[-1].status == status

    await eventually(there, timeout=30, interval=0.25)
    return seen[-1]


async def test_one_active_campaign_more_than_the_plan_is_refused_and_the_dry_run_says_so(
    stack: Stack,
) -> None:
    ws = await stack.workspace()
    await stack.contacts(ws, 3)
    await stack.wait_audience(ws, 3)
    plan = free_plan(active_campaigns=1, messages_sent=10)
    await entitle(stack.nc, ws, plan)
    await use(stack.nc, ws, plan, MESSAGES_SENT, 9)  # one message left this month
    for cid in ("cmp-a", "cmp-b"):
        assert (await change(stack.nc, ws, cid, "create", definition=template_campaign())).ok
    later = datetime.now(UTC) + timedelta(hours=1)
    assert (await change(stack.nc, ws, "cmp-a", "schedule", send_at=later)).ok
    await wait_status(stack, ws, "cmp-a", "scheduled")

    words = (
        "active_campaigns: 1 of 1 used now by this workspace on the Free plan."
        " Upgrade to Starter to lift it."
    )
    for refused in (
        await change(stack.nc, ws, "cmp-b", "launch"),
        await change(stack.nc, ws, "cmp-b", "schedule", send_at=later),
    ):
        assert (refused.ok, refused.code, refused.message) == (False, "PLAN_LIMIT_REACHED", words)
        assert [(p.code, p.blocking) for p in refused.problems] == [("PLAN_LIMIT_REACHED", True)]
    assert (await get(stack.nc, ws, "cmp-b")).status == "draft"

    report = await dry_run(stack.nc, ws, "cmp-b")
    found = {p.code: p for p in report.problems}
    limit = found["PLAN_LIMIT_REACHED"]
    assert (limit.blocking, limit.field, limit.message) == (True, "", words)
    short = found["MESSAGE_QUOTA_SHORT"]
    assert (short.blocking, short.count) == (False, 2)
    assert short.message == (
        "2 of the 3 messages would be refused by the plan's monthly limit (1 left):"
        " messages_sent: 9 of 10 used this billing period by this workspace on the Free plan."
        " Upgrade to Starter to lift it. The count starts again with the next billing period."
    )
    # The scheduled campaign already counts: moving it is allowed, its dry run not blocked.
    codes = {p.code for p in (await dry_run(stack.nc, ws, "cmp-a")).problems}
    assert "PLAN_LIMIT_REACHED" not in codes
    assert "MESSAGE_QUOTA_SHORT" in codes
    moved = await change(stack.nc, ws, "cmp-a", "schedule", send_at=later + timedelta(hours=1))
    assert moved.ok, moved

    assert (await change(stack.nc, ws, "cmp-a", "cancel")).ok
    await wait_status(stack, ws, "cmp-a", "cancelled")
    scheduled = await change(stack.nc, ws, "cmp-b", "schedule", send_at=later)
    assert scheduled.ok, scheduled


async def test_a_scheduled_campaign_over_a_downgraded_plan_is_paused_at_its_time(
    stack: Stack,
) -> None:
    ws = await stack.workspace()
    await stack.contacts(ws, 2)
    await stack.wait_audience(ws, 2)
    await entitle(stack.nc, ws, free_plan(active_campaigns=2))
    for cid in ("cmp-soon", "cmp-later"):
        assert (await change(stack.nc, ws, cid, "create", definition=template_campaign())).ok
    later = datetime.now(UTC) + timedelta(hours=1)
    assert (await change(stack.nc, ws, "cmp-later", "schedule", send_at=later)).ok
    await wait_status(stack, ws, "cmp-later", "scheduled")
    soon = datetime.now(UTC) + timedelta(seconds=4)
    assert (await change(stack.nc, ws, "cmp-soon", "schedule", send_at=soon)).ok
    await entitle(stack.nc, ws, free_plan(active_campaigns=1))  # downgraded before it fires

    view = await wait_status(stack, ws, "cmp-soon", "paused")
    assert view.paused_reason == (
        "not launched at its scheduled time: PLAN_LIMIT_REACHED: active_campaigns: 1 of 1 used"
        " now by this workspace on the Free plan. Upgrade to Starter to lift it."
    )
    assert view.launched_at is None
    assert stack.mine() == []
