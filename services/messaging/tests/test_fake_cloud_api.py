"""The fake Cloud API answers like Meta (platform-facts §A1 to §A4) over real HTTP."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from parley.messaging.testing import FakeCloudApi
from parley.runtime.testing.plugin import eventually

TOKEN = "test-token"
SECRET = "test-app-secret"
NUMBER_ID = "106540352242922"


@dataclass
class Clock:
    """Hand-moved time, so the pair bucket refills without sleeping."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def fake() -> AsyncIterator[FakeCloudApi]:
    async with FakeCloudApi(access_token=TOKEN, app_secret=SECRET) as api:
        yield api


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def send(
    http: aiohttp.ClientSession, fake: FakeCloudApi, payload: dict[str, Any], token: str = TOKEN
) -> tuple[int, dict[str, Any]]:
    url = f"{fake.base_url}/v25.0/{NUMBER_ID}/messages"
    headers = {"Authorization": f"Bearer {token}"}
    async with http.post(url, json=payload, headers=headers) as response:
        body: dict[str, Any] = await response.json()
        return response.status, body


def text(to: str = "+1 (650) 555-1234", body: str = "hello") -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


def buttons(count: int) -> dict[str, Any]:
    items = [{"type": "reply", "reply": {"id": f"b{i}", "title": f"B{i}"}} for i in range(count)]
    interactive = {"type": "button", "body": {"text": "Pick"}, "action": {"buttons": items}}
    return {**text(), "type": "interactive", "interactive": interactive}


def list_rows(per_section: list[int]) -> dict[str, Any]:
    sections = [
        {"title": f"S{s}", "rows": [{"id": f"r{s}-{r}", "title": "Row"} for r in range(n)]}
        for s, n in enumerate(per_section)
    ]
    interactive = {
        "type": "list",
        "body": {"text": "Pick"},
        "action": {"button": "Options", "sections": sections},
    }
    return {**text(), "type": "interactive", "interactive": interactive}


def template(name: str = "order_update") -> dict[str, Any]:
    body = {"name": name, "language": {"code": "en_US"}}
    return {**text(), "type": "template", "template": body}


async def test_a_wrong_bearer_is_refused_with_190(
    fake: FakeCloudApi, http: aiohttp.ClientSession
) -> None:
    status, body = await send(http, fake, text(), token="wrong")
    assert status == 401
    assert body["error"]["code"] == 190
    assert body["error"]["type"] == "OAuthException"
    assert body["error"]["fbtrace_id"]
    assert fake.sent == []


async def test_a_valid_text_returns_a_wamid_and_is_recorded(
    fake: FakeCloudApi, http: aiohttp.ClientSession
) -> None:
    status, body = await send(http, fake, text())
    assert status == 200
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": "+1 (650) 555-1234", "wa_id": "16505551234"}]
    wamid = body["messages"][0]["id"]
    assert wamid.startswith("wamid.")
    [sent] = fake.sent
    assert (sent.wamid, sent.wa_id, sent.phone_number_id) == (wamid, "16505551234", NUMBER_ID)
    assert sent.payload["text"]["body"] == "hello"


async def test_paced_templates_carry_message_status(http: aiohttp.ClientSession) -> None:
    paced = {"promo": "held_for_quality_assessment"}
    async with FakeCloudApi(access_token=TOKEN, app_secret=SECRET, paced_templates=paced) as fake:
        _, paced_body = await send(http, fake, template("promo"))
        _, plain_body = await send(http, fake, template("order_update"))
    assert paced_body["messages"][0]["message_status"] == "held_for_quality_assessment"
    assert "message_status" not in plain_body["messages"][0]


@pytest.mark.parametrize(
    ("payload", "code", "field_name"),
    [
        (buttons(4), 131009, "interactive.action.buttons"),
        (list_rows([6, 5]), 131009, "rows"),
        (text(body=""), 131009, "text.body"),
        (text(body="x" * 4097), 131009, "text.body"),
        ({**text(), "messaging_product": "sms"}, 100, "messaging_product"),
        ({**template(), "template": {"name": "x"}}, 100, "template.language"),
        ({"messaging_product": "whatsapp", "type": "text", "text": {"body": "x"}}, 100, "to"),
    ],
)
async def test_invalid_payloads_name_the_field(
    fake: FakeCloudApi,
    http: aiohttp.ClientSession,
    payload: dict[str, Any],
    code: int,
    field_name: str,
) -> None:
    status, body = await send(http, fake, payload)
    assert status == 400
    assert body["error"]["code"] == code
    assert body["error"]["message"].startswith(f"(#{code}) ")
    assert field_name in body["error"]["error_data"]["details"]
    assert fake.sent == []


async def test_limits_at_the_edge_are_accepted(
    fake: FakeCloudApi, http: aiohttp.ClientSession
) -> None:
    assert (await send(http, fake, buttons(3)))[0] == 200
    assert (await send(http, fake, list_rows([5, 5])))[0] == 200


@pytest.mark.parametrize(
    "code",
    [
        *(130429, 131056, 131047, 131026, 131049, 131050, 368, 131031, 80007, 4, 190),
        *(132000, 132001, 132015, 132016, 131048),
    ],
)
async def test_injected_errors_return_the_exact_code_once(
    fake: FakeCloudApi, http: aiohttp.ClientSession, code: int
) -> None:
    fake.fail_next(code)
    status, body = await send(http, fake, text())
    assert (status, body["error"]["code"]) == (400, code)
    assert body["error"]["error_data"]["messaging_product"] == "whatsapp"
    assert (await send(http, fake, text()))[0] == 200


async def test_injected_errors_can_target_a_recipient_and_status(
    fake: FakeCloudApi, http: aiohttp.ClientSession
) -> None:
    fake.fail_next(131026, times=2, http_status=429, to="+16505550000")
    assert (await send(http, fake, text()))[0] == 200
    for _ in range(2):
        status, body = await send(http, fake, text(to="+16505550000"))
        assert (status, body["error"]["code"]) == (429, 131026)
    assert (await send(http, fake, text(to="+16505550000")))[0] == 200


async def test_the_per_number_throughput_answers_130429(http: aiohttp.ClientSession) -> None:
    clock = Clock()
    async with FakeCloudApi(
        access_token=TOKEN, app_secret=SECRET, messages_per_second=5, pair_burst=None, clock=clock
    ) as fake:
        for i in range(5):
            assert (await send(http, fake, text(to=f"+1650555{i:04d}")))[0] == 200
        status, body = await send(http, fake, text(to="+16505559999"))
        assert (status, body["error"]["code"]) == (400, 130429)
        clock.now += 1.0
        assert (await send(http, fake, text(to="+16505559999")))[0] == 200


async def test_the_pair_limit_answers_131056_for_that_recipient_only(
    http: aiohttp.ClientSession,
) -> None:
    clock = Clock()
    async with FakeCloudApi(
        access_token=TOKEN, app_secret=SECRET, pair_burst=3, pair_interval=6.0, clock=clock
    ) as fake:
        for _ in range(3):
            assert (await send(http, fake, text()))[0] == 200
        _, body = await send(http, fake, text())
        assert body["error"]["code"] == 131056
        assert (await send(http, fake, text(to="+16505550001")))[0] == 200
        clock.now += 6.0
        assert (await send(http, fake, text()))[0] == 200
        assert len(fake.sent) == 5


async def test_limits_can_be_disabled(http: aiohttp.ClientSession) -> None:
    async with FakeCloudApi(
        access_token=TOKEN, app_secret=SECRET, messages_per_second=None, pair_burst=None
    ) as fake:
        for _ in range(60):
            assert (await send(http, fake, text()))[0] == 200


async def test_free_form_outside_the_window_answers_131047(http: aiohttp.ClientSession) -> None:
    async with FakeCloudApi(access_token=TOKEN, app_secret=SECRET, enforce_window=True) as fake:
        _, body = await send(http, fake, text())
        assert body["error"]["code"] == 131047
        assert (await send(http, fake, template()))[0] == 200
        fake.inbound_from("+16505551234")
        assert (await send(http, fake, text()))[0] == 200


@dataclass
class Receiver:
    """A tiny webhook endpoint that checks signatures the way our gateway must."""

    verify_token: str = "verify-me"
    fail_first: int = 0
    posts: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0
    bad_signatures: int = 0

    async def handle_get(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("hub.mode") == "subscribe" and query.get("hub.verify_token") == (
            self.verify_token
        ):
            return web.Response(text=query["hub.challenge"])
        return web.Response(status=403)

    async def handle_post(self, request: web.Request) -> web.Response:
        self.attempts += 1
        raw = await request.read()
        expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("X-Hub-Signature-256", "")):
            self.bad_signatures += 1
            return web.Response(status=401)
        if self.attempts <= self.fail_first:
            return web.Response(status=500)
        self.posts.append(json.loads(raw))
        return web.Response(text="ok")

    def statuses(self) -> list[tuple[str, str]]:
        return [
            (status["id"], status["status"])
            for post in self.posts
            for entry in post["entry"]
            for change in entry["changes"]
            for status in change["value"].get("statuses", [])
        ]


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    target = Receiver()
    app = web.Application()
    app.router.add_get("/webhook", target.handle_get)
    app.router.add_post("/webhook", target.handle_post)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield target, f"http://{host}:{port}/webhook"
    finally:
        await runner.cleanup()


async def sent_wamids(fake: FakeCloudApi, http: aiohttp.ClientSession, count: int) -> list[str]:
    wamids = []
    for i in range(count):
        _, body = await send(http, fake, text(to=f"+1650555{i:04d}"))
        wamids.append(body["messages"][0]["id"])
    return wamids


async def test_the_handshake_echoes_the_challenge_only_for_the_right_token(
    fake: FakeCloudApi, receiver: tuple[Receiver, str]
) -> None:
    _, url = receiver
    assert await fake.verify_subscription(url, "verify-me")
    assert not await fake.verify_subscription(url, "wrong")


async def test_statuses_are_signed_and_batched(
    fake: FakeCloudApi, http: aiohttp.ClientSession, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    fake.webhook_target(url, "verify-me")
    wamids = await sent_wamids(fake, http, 2)
    deliveries = await fake.emit_lifecycle(wamids)
    assert len(deliveries) == 1
    assert target.bad_signatures == 0
    assert target.statuses() == [(w, s) for w in wamids for s in ("sent", "delivered", "read")]
    value = target.posts[0]["entry"][0]["changes"][0]["value"]
    assert value["metadata"]["phone_number_id"] == NUMBER_ID
    assert value["statuses"][0]["recipient_id"] == "16505550000"
    assert isinstance(value["statuses"][0]["timestamp"], str)


async def test_statuses_can_skip_delivered_be_duplicated_and_reordered(
    fake: FakeCloudApi, http: aiohttp.ClientSession, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    fake.webhook_target(url, "verify-me")
    wamids = await sent_wamids(fake, http, 3)
    in_order = [(w, s) for w in wamids for s in ("sent", "read")]
    await fake.emit_lifecycle(
        wamids, skip_delivered=True, duplicate=True, reorder=True, batch_size=4
    )
    got = target.statuses()
    assert len(target.posts) == 3
    assert sorted(got) == sorted(in_order * 2)
    assert got != in_order * 2


async def test_failed_status_carries_errors(
    fake: FakeCloudApi, http: aiohttp.ClientSession, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    fake.webhook_target(url, "verify-me")
    [wamid] = await sent_wamids(fake, http, 1)
    await fake.emit_failed([wamid], 131049)
    failed = target.posts[0]["entry"][0]["changes"][0]["value"]["statuses"][-1]
    assert failed["status"] == "failed"
    assert failed["errors"][0]["code"] == 131049
    assert failed["errors"][0]["error_data"]["details"]


async def test_non_200_answers_are_retried(
    fake: FakeCloudApi, http: aiohttp.ClientSession, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    target.fail_first = 2
    fake.webhook_target(url, "verify-me", retry_delay=0.01)
    [wamid] = await sent_wamids(fake, http, 1)
    [delivery] = await fake.emit_lifecycle([wamid])
    assert (delivery.attempts, delivery.status) == (3, 200)
    await eventually(lambda: len(target.posts) == 1)


async def test_an_inbound_text_has_metas_shape_and_opens_the_window(
    http: aiohttp.ClientSession, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    async with FakeCloudApi(access_token=TOKEN, app_secret=SECRET, enforce_window=True) as fake:
        fake.webhook_target(url, "verify-me")
        wamid = await fake.emit_inbound_text("+16505551234", "Another colour?", "Sheena")
        assert (await send(http, fake, text()))[0] == 200
    value = target.posts[0]["entry"][0]["changes"][0]["value"]
    assert value["contacts"] == [{"profile": {"name": "Sheena"}, "wa_id": "16505551234"}]
    [message] = value["messages"]
    assert (message["id"], message["from"], message["type"]) == (wamid, "16505551234", "text")
    assert message["text"] == {"body": "Another colour?"}
    assert target.posts[0]["object"] == "whatsapp_business_account"


async def test_the_fakes_webhooks_are_read_by_our_parser_and_pass_our_signature_check() -> None:
    """The fake and the domain agree: what the fake sends is what the parser and verifier read."""
    import json as _json

    from aiohttp import web as _web

    from parley.messaging.domain import signatures
    from parley.messaging.domain.webhooks import parse
    from parley.messaging.testing.fake_cloud_api import FakeCloudApi

    received: list[tuple[bytes, str | None]] = []

    async def receive(request: _web.Request) -> _web.Response:
        received.append((await request.read(), request.headers.get("X-Hub-Signature-256")))
        return _web.Response(text="ok")

    app = _web.Application()
    app.router.add_post("/hook", receive)
    runner = _web.AppRunner(app)
    await runner.setup()
    site = _web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with FakeCloudApi(access_token="t", app_secret="s3cret") as fake:
            fake.webhook_target(f"http://127.0.0.1:{port}/hook", "verify")
            await fake.emit_inbound_text("16505551234", "hola", "Ada")
        assert received
        raw, header = received[0]
        assert signatures.verify(raw, header, "s3cret")
        [inbound] = parse(_json.loads(raw)).inbound
        assert (inbound.sender, inbound.text, inbound.profile_name) == (
            "16505551234",
            "hola",
            "Ada",
        )
    finally:
        await runner.cleanup()
