"""Sends through the Cloud API provider against the fake, with its errors, and the webhooks
that come back: the outbound pipeline and the ingress consumer of the real running service."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, Literal

import nats.errors
import pytest
from nats.aio.client import Client as NatsClient
from nats.js.errors import KeyNotFoundError

from parley.contracts.crm.events import ContactOptedOut
from parley.contracts.crm.stop_words import CONSENT_KEYWORDS_BUCKET, ConsentKeywords
from parley.contracts.envelope import Envelope
from parley.contracts.ids import contact_id_for
from parley.contracts.messaging.channels import (
    ChangeChannel,
    ChannelChangeResult,
    GetNumberHealth,
    NumberHealthChanged,
    NumberHealthReport,
    NumberPaused,
)
from parley.contracts.messaging.commands import SendMessage, command_token
from parley.contracts.messaging.events import (
    InboundMessageReceived,
    MessageFailed,
    MessageRead,
    MessageSent,
)
from parley.contracts.subjects import command_subject, event_subject
from parley.messaging.adapters.ingress import publish_webhook
from parley.messaging.adapters.rate_limits import RateLimits
from parley.messaging.adapters.send_ledger import SendLedger, SendRecord
from parley.messaging.domain.sandbox_webhooks import inbound_body, status_body
from parley.messaging.testing import FakeCloudApi
from parley.messaging.testing.harness import (
    FAKE_APP_SECRET,
    FAKE_TOKEN,
    ask,
    events_of,
    send,
    template,
    text,
    until,
)
from parley.runtime.service import Service

CUSTOMER = "15551230000"


def workspace() -> str:
    return f"ws-{uuid.uuid4().hex[:12]}"


async def connect(nc: NatsClient, ws: str, fake: FakeCloudApi, **extra: Any) -> None:
    payload = {
        "phone_number_id": fake.default_phone_number_id,
        "business_account_id": fake.waba_id,
        "access_token": FAKE_TOKEN,
        "app_secret": FAKE_APP_SECRET,
        "verify_token": "verify-me-please",
        "warmup": False,
        **extra,
    }
    request = ChangeChannel(channel_id="main", action="connect_cloud_api", payload=payload)
    result = await ask(nc, ws, request, ChannelChangeResult)
    assert result.ok, result


async def customer_writes(
    nc: NatsClient,
    fake: FakeCloudApi,
    wa_id: str,
    words: str = "hi",
    *,
    secret: str = FAKE_APP_SECRET,
) -> str:
    message_id = f"wamid.in.{uuid.uuid4().hex}"
    body = inbound_body(
        phone_number_id=fake.default_phone_number_id,
        display_phone_number=fake.display_phone_number,
        waba_id=fake.waba_id,
        wa_id=wa_id,
        profile_name="Ana",
        message_id=message_id,
        timestamp=int(time.time()),
        kind="text",
        text=words,
    )
    await publish_webhook(nc.jetstream(), "meta", body, secret, f"ingress:{message_id}")
    return message_id


async def outcome(nc: NatsClient, ws: str, command_id: str) -> MessageSent | MessageFailed:
    subject = event_subject("messaging", ws, command_token(command_id))

    async def found() -> list[MessageSent | MessageFailed]:
        return [
            e
            for _, e in await events_of(nc, ws, subject)
            if isinstance(e, MessageSent | MessageFailed)
        ]

    events = await until(found, timeout=15)
    assert len(events) == 1, events
    return events[0]


async def inbound_events(nc: NatsClient, ws: str) -> list[InboundMessageReceived]:
    return [e for _, e in await events_of(nc, ws) if isinstance(e, InboundMessageReceived)]


async def test_a_reply_inside_the_window_goes_out_once_even_when_the_command_is_redelivered(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    await customer_writes(nc, fake, CUSTOMER)
    contact = (await until(lambda: inbound_events(nc, ws)))[0].contact_id
    command = SendMessage(command_id="exec-1:2", contact_id=contact, message=text("Welcome"))
    await send(nc, ws, command)
    sent = await outcome(nc, ws, "exec-1:2")
    assert isinstance(sent, MessageSent)
    assert sent.provider_message_id.startswith("wamid.")
    # The same command again, as after a crash past the duplicate window: no second call.
    envelope = Envelope.wrap(command, workspace_id=ws)
    subject = command_subject("messaging", ws, command_token(command.command_id))
    await nc.jetstream().publish(subject, envelope.to_bytes(), headers={"Nats-Msg-Id": "again"})
    await until(lambda: _later_than(nc, ws, subject), timeout=10)
    assert [m.payload["text"]["body"] for m in fake.sent if m.wa_id == CUSTOMER] == ["Welcome"]


async def _later_than(nc: NatsClient, ws: str, command: str) -> bool:
    # The redelivered command was handled once its info shows no pending messages.
    info = await nc.jetstream().consumer_info("MESSAGING", "messaging-send")
    return bool(info.num_pending == 0 and info.num_ack_pending == 0)


async def test_free_form_outside_the_window_fails_and_a_template_goes(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    contact = contact_id_for(ws, "15557770000")
    await send(
        nc,
        ws,
        SendMessage(command_id="c:1", contact_id=contact, to="+15557770000", message=text("hey")),
    )
    failed = await outcome(nc, ws, "c:1")
    assert isinstance(failed, MessageFailed)
    assert failed.code == "WINDOW_CLOSED"
    assert "template" in failed.remedy
    await send(
        nc,
        ws,
        SendMessage(command_id="c:2", contact_id=contact, to="+15557770000", message=template()),
    )
    assert isinstance(await outcome(nc, ws, "c:2"), MessageSent)
    assert [m.type for m in fake.sent if m.wa_id == "15557770000"] == ["template"]


async def test_an_opted_out_contact_gets_nothing(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    await customer_writes(nc, fake, "15558880000")
    contact = (await until(lambda: inbound_events(nc, ws)))[0].contact_id
    opted_out = ContactOptedOut(contact_id=contact, at=_now(), source="STOP")
    await nc.jetstream().publish(
        f"crm.evt.{ws}.{contact}", Envelope.wrap(opted_out, workspace_id=ws).to_bytes()
    )

    async def refused() -> bool:
        command_id = f"opt:{uuid.uuid4().hex[:6]}"
        await send(
            nc, ws, SendMessage(command_id=command_id, contact_id=contact, message=text("x"))
        )
        result = await outcome(nc, ws, command_id)
        return isinstance(result, MessageFailed) and result.code == "OPTED_OUT"

    assert await until(refused, timeout=15)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (131026, "131026"),  # the recipient cannot receive it: fail at once
        (132001, "132001"),  # template does not exist: fail at once
        (131051, "131051"),  # unsupported message type
    ],
)
async def test_never_retry_codes_fail_at_once_with_the_reason(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi, code: int, expected: str
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    to = f"1555{code}"
    fake.fail_next(code, to=to)
    await send(nc, ws, SendMessage(command_id="f:1", contact_id="c-x", to=to, message=template()))
    failed = await outcome(nc, ws, "f:1")
    assert isinstance(failed, MessageFailed)
    assert (failed.code, failed.retryable) == (expected, False)
    assert failed.reason
    assert failed.remedy
    assert [m for m in fake.sent if m.wa_id == to] == []


@pytest.mark.parametrize("code", [130429, 131056, 131000, 2])
async def test_throttling_and_transient_codes_are_retried_until_sent(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi, code: int
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    to = f"1556{code:07d}"
    fake.fail_next(code, to=to, http_status=500 if code == 2 else 400)
    await send(nc, ws, SendMessage(command_id="r:1", contact_id="c-y", to=to, message=template()))
    assert isinstance(await outcome(nc, ws, "r:1"), MessageSent)
    assert len([m for m in fake.sent if m.wa_id == to]) == 1


async def test_131049_waits_a_day_before_retrying(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    fake.fail_next(131049, to="15559990000")
    await send(
        nc,
        ws,
        SendMessage(command_id="m:1", contact_id="c-z", to="15559990000", message=template()),
    )
    kv = await nc.jetstream().key_value("messaging_sends")

    async def waiting() -> dict[str, Any] | None:
        try:
            entry = await kv.get(f"{ws}.m_1")
        except KeyNotFoundError:
            return None

        record: dict[str, Any] = json.loads(entry.value or b"{}")
        return record if record.get("state") == "waiting" else None

    record = await until(waiting, timeout=10)
    assert record is not None
    assert record["code"] == "131049"
    # Put back for at least 24 h: the consumer holds it, nothing more reached the fake.
    info = await nc.jetstream().consumer_info("MESSAGING", "messaging-send")
    assert info.num_ack_pending >= 1
    assert [m for m in fake.sent if m.wa_id == "15559990000"] == []


@pytest.mark.parametrize("code", [131031, 368, 190])
async def test_account_level_codes_pause_the_number_and_sends_wait_for_the_resume(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi, code: int
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    to = f"1557{code}"
    fake.fail_next(code, to=to, http_status=401 if code == 190 else 400)
    await send(nc, ws, SendMessage(command_id="p:1", contact_id="c-p", to=to, message=template()))

    async def paused() -> list[NumberPaused]:
        return [e for _, e in await events_of(nc, ws) if isinstance(e, NumberPaused)]

    pause = (await until(paused, timeout=10))[0]
    assert pause.code == str(code)
    assert pause.remedy
    assert [m for m in fake.sent if m.wa_id == to] == []
    resumed = await ask(
        nc, ws, ChangeChannel(channel_id="main", action="resume"), ChannelChangeResult
    )
    assert resumed.ok
    assert isinstance(await outcome(nc, ws, "p:1"), MessageSent)
    assert len([m for m in fake.sent if m.wa_id == to]) == 1


async def test_a_forged_or_missing_signature_is_dropped(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    await customer_writes(nc, fake, "15550000001", "forged", secret="not-the-app-secret-at-all")
    await customer_writes(nc, fake, "15550000002", "genuine")
    received = await until(lambda: inbound_events(nc, ws))
    assert [e.text for e in received] == ["genuine"]


async def test_a_duplicated_webhook_is_processed_once_and_reordered_statuses_end_right(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    message_id = await customer_writes(nc, fake, CUSTOMER, "once")
    body = inbound_body(
        phone_number_id=fake.default_phone_number_id,
        display_phone_number=fake.display_phone_number,
        waba_id=fake.waba_id,
        wa_id=CUSTOMER,
        profile_name="Ana",
        message_id=message_id,
        timestamp=int(time.time()),
        kind="text",
        text="once",
    )
    # Meta retries a webhook it thinks failed: a new delivery, past any msg-id dedupe.
    await publish_webhook(nc.jetstream(), "meta", body, FAKE_APP_SECRET, f"retry:{message_id}")
    contact = (await until(lambda: inbound_events(nc, ws)))[0].contact_id
    await send(nc, ws, SendMessage(command_id="s:1", contact_id=contact, message=text("hello")))
    sent = await outcome(nc, ws, "s:1")
    wamid = sent.provider_message_id
    statuses: tuple[Literal["sent", "delivered", "read"], ...] = (
        "read",
        "delivered",
        "read",
        "sent",
    )
    for status in statuses:  # read overtook delivered; repeats
        status_webhook = status_body(
            phone_number_id=fake.default_phone_number_id,
            display_phone_number=fake.display_phone_number,
            waba_id=fake.waba_id,
            message_id=wamid,
            recipient=CUSTOMER,
            status=status,
            timestamp=int(time.time()),
        )
        await publish_webhook(
            nc.jetstream(),
            "meta",
            status_webhook,
            FAKE_APP_SECRET,
            f"{wamid}:{status}:{uuid.uuid4()}",
        )
    subject = event_subject("messaging", ws, "s_1")

    async def read() -> list[str]:
        names = [type(e).__name__ for _, e in await events_of(nc, ws, subject)]
        return names if "MessageRead" in names else []

    assert await until(read) == ["MessageSent", "MessageRead"]
    assert len(await inbound_events(nc, ws)) == 1
    assert all(
        not isinstance(e, MessageRead) or e.command_id == "s:1" for _, e in await events_of(nc, ws)
    )


def _now() -> datetime:
    return datetime.now(UTC)


async def test_a_spam_signal_slows_the_number_and_the_watchdog_says_why(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    await send(
        nc,
        ws,
        SendMessage(command_id="w:1", contact_id="c-w", to="15554440000", message=template()),
    )
    sent = await outcome(nc, ws, "w:1")
    failed = status_body(
        phone_number_id=fake.default_phone_number_id,
        display_phone_number=fake.display_phone_number,
        waba_id=fake.waba_id,
        message_id=sent.provider_message_id,
        recipient="15554440000",
        status="delivered",
        timestamp=int(time.time()),
    )
    status = failed["entry"][0]["changes"][0]["value"]["statuses"][0]
    status["status"] = "failed"
    status["errors"] = [{"code": 131048, "title": "Spam rate limit hit"}]
    await publish_webhook(nc.jetstream(), "meta", failed, FAKE_APP_SECRET, f"spam:{ws}")

    async def changed() -> list[NumberHealthChanged]:
        return [e for _, e in await events_of(nc, ws) if isinstance(e, NumberHealthChanged)]

    change = (await until(changed))[0]
    assert (change.previous_level, change.level) == ("healthy", "slowed")
    assert [r.code for r in change.reasons] == ["spam_signals"]
    report = await ask(nc, ws, GetNumberHealth(channel_id="main"), NumberHealthReport)
    assert report.level == "slowed"
    assert report.rate_factor == 0.5
    assert report.counts["spam_signals"] == 1
    assert report.counts["sent"] == 1
    events = [type(e).__name__ for _, e in await events_of(nc, ws)]
    assert "NumberPaused" in events
    assert "MessageFailed" in events


async def _refused_at_once(nc: NatsClient, ws: str, contact: str, tag: str) -> None:
    """A send published right after the inbound message became an event is refused: the
    opt-out was in place before the event existed, with no crm event in between."""
    command_id = f"{tag}:{uuid.uuid4().hex[:6]}"
    await send(nc, ws, SendMessage(command_id=command_id, contact_id=contact, message=text("x")))
    result = await outcome(nc, ws, command_id)
    assert isinstance(result, MessageFailed)
    assert result.code == "OPTED_OUT"


async def test_a_stop_reply_opts_the_contact_out_before_its_message_is_published(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    await customer_writes(nc, fake, "15558881111", "  Stop! ")
    inbound = (await until(lambda: inbound_events(nc, ws)))[0]
    assert inbound.text.strip() == "Stop!"
    await _refused_at_once(nc, ws, inbound.contact_id, "stop")
    assert not [m for m in fake.sent if m.wa_id == "15558881111"]
    assert not [e for _, e in await events_of(nc, ws, f"crm.evt.{ws}.>")]


async def test_a_sentence_with_stop_in_it_is_not_an_opt_out(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    await customer_writes(nc, fake, "15558882222", "don't stop sending me deals")
    contact = (await until(lambda: inbound_events(nc, ws)))[0].contact_id
    command_id = "deal:1"
    await send(nc, ws, SendMessage(command_id=command_id, contact_id=contact, message=text("ok")))
    assert isinstance(await outcome(nc, ws, command_id), MessageSent)


async def test_the_workspace_languages_decide_which_words_stop(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    kv = await nc.jetstream().create_key_value(bucket=CONSENT_KEYWORDS_BUCKET, history=1)
    await kv.put(
        ws, ConsentKeywords(languages=("pt",), extra_keywords=("chega",)).model_dump_json().encode()
    )
    await customer_writes(nc, fake, "15558883333", "SAIR")
    await customer_writes(nc, fake, "15558884444", "Chega.")
    await customer_writes(nc, fake, "15558885555", "unsubscribe")  # English is not chosen
    events = await until(lambda: _at_least(inbound_events(nc, ws), 3), timeout=15)
    by_phone = {e.phone: e.contact_id for e in events}
    await _refused_at_once(nc, ws, by_phone["15558883333"], "pt")
    await _refused_at_once(nc, ws, by_phone["15558884444"], "extra")
    command_id = "en:1"
    contact = by_phone["15558885555"]
    await send(nc, ws, SendMessage(command_id=command_id, contact_id=contact, message=text("hi")))
    assert isinstance(await outcome(nc, ws, command_id), MessageSent)


async def _at_least(
    found: Awaitable[list[InboundMessageReceived]], n: int
) -> list[InboundMessageReceived]:
    events = await found
    return events if len(events) >= n else []


async def test_a_sender_without_a_number_is_reported_by_their_user_id(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake)
    bsuid = "US.13491208655302741918"
    message_id = f"wamid.in.{uuid.uuid4().hex}"
    value = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": fake.display_phone_number,
            "phone_number_id": fake.default_phone_number_id,
        },
        "contacts": [{"profile": {"name": "Ana"}, "user_id": bsuid}],
        "messages": [
            {
                "from_user_id": bsuid,
                "id": message_id,
                "timestamp": str(int(time.time())),
                "type": "text",
                "text": {"body": "hi"},
            }
        ],
    }
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": fake.waba_id, "changes": [{"field": "messages", "value": value}]}],
    }
    await publish_webhook(nc.jetstream(), "meta", body, FAKE_APP_SECRET, f"ingress:{message_id}")
    [inbound] = await until(lambda: inbound_events(nc, ws))
    assert (inbound.phone, inbound.user_id) == ("", bsuid)
    assert inbound.contact_id == contact_id_for(ws, bsuid)


@pytest.mark.parametrize("fault", ["claim write lost its reply", "limiter failed after claim"])
async def test_a_nats_failure_between_claim_and_call_sends_once_and_reports_no_unknown_outcome(
    messaging: Service,
    nc: NatsClient,
    fake: FakeCloudApi,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
) -> None:
    """As in a JetStream failover: the send's claim was written (or its write timed out after
    landing), then a NATS call failed before WhatsApp was called. The claim is taken back, so the
    redelivery sends the message once instead of reporting UNKNOWN_OUTCOME past the horizon."""
    ws = workspace()
    await connect(nc, ws, fake)
    failures: list[str] = []
    real_claim, real_slot = SendLedger.claim, RateLimits.number_slot

    async def claim(ledger: SendLedger, key: str, record: SendRecord, revision: int | None) -> Any:
        written = await real_claim(ledger, key, record, revision)
        if fault.startswith("claim") and record.state == "calling" and not failures:
            failures.append(key)
            raise nats.errors.TimeoutError  # the write landed; its reply did not
        return written

    async def number_slot(limits: RateLimits, phone_number_id: str, rate: float) -> None:
        if fault.startswith("limiter") and not failures:
            failures.append(phone_number_id)
            raise nats.errors.TimeoutError
        await real_slot(limits, phone_number_id, rate)

    monkeypatch.setattr(SendLedger, "claim", claim)
    monkeypatch.setattr(RateLimits, "number_slot", number_slot)
    contact = contact_id_for(ws, "15557771111")
    message = SendMessage(
        command_id="f:1", contact_id=contact, to="+15557771111", message=template()
    )
    started = time.monotonic()
    await send(nc, ws, message)
    result = await outcome(nc, ws, "f:1")
    assert len(failures) == 1, "the fault was not injected"
    assert isinstance(result, MessageSent), result
    assert [m.wa_id for m in fake.sent].count("15557771111") == 1
    # Sent on the first redelivery, not after the 18 s claim horizon.
    assert time.monotonic() - started < 10
