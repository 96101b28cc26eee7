"""A local WhatsApp Cloud API: a real HTTP server that behaves like Meta's (platform-facts §D).

Tests, e2e runs and benchmarks start it in-process and point the real provider adapter at
`base_url`, so the adapter's HTTP, JSON and error classification are exercised end to end.

Deliberate simplifications: no media upload endpoints, no template registry (template state
errors are injected with `fail_next`), no portfolio messaging limit (Meta has no error code for
it; our service must count unique recipients itself), and `message_status` is only added for
templates named in `paced_templates`.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from parley.messaging.testing.errors import error_body
from parley.messaging.testing.limits import Clock, PairBucket, ServiceWindow, Throughput
from parley.messaging.testing.validation import phone_digits, validate
from parley.messaging.testing.webhooks import Delivery, StatusEvent, StatusName, WebhookEmitter


@dataclass(frozen=True)
class SentMessage:
    """A send the fake accepted, kept so tests can assert on what really went out."""

    phone_number_id: str
    to: str
    wa_id: str
    payload: dict[str, Any]
    wamid: str
    time: float

    @property
    def type(self) -> str:
        kind = self.payload.get("type", "text")
        return kind if isinstance(kind, str) else "text"


@dataclass
class _Injected:
    code: int
    times: int
    http_status: int
    to: str | None
    details: str | None


@dataclass
class FakeCloudApi:
    """Meta's `POST /v{N}/{phone_number_id}/messages`, with limits and injectable errors.

    `messages_per_second` / `pair_burst` set to None disable that limit; `clock` (monotonic
    seconds) drives every limit so tests move time instead of sleeping.
    """

    access_token: str
    app_secret: str
    port: int = 0
    host: str = "127.0.0.1"
    messages_per_second: int | None = 80
    pair_burst: int | None = 45
    pair_interval: float = 6.0
    enforce_window: bool = False
    window_seconds: float = 24 * 3600
    paced_templates: dict[str, str] = field(default_factory=dict)
    waba_id: str = "102290129340398"
    display_phone_number: str = "15550783881"
    default_phone_number_id: str = "106540352242922"
    clock: Clock = time.monotonic
    # Numbers `GET /{id}` knows (id -> display number); the default one is always there.
    phone_numbers: dict[str, str] = field(default_factory=dict)
    verified_name: str = "Parley Test Business"
    quality_rating: str = "GREEN"
    messaging_limit: str = "TIER_2K"
    sent: list[SentMessage] = field(default_factory=list)
    # How many sends the fake refused with each of its own limit codes (130429, 131056, 131047).
    refused: dict[int, int] = field(default_factory=dict)
    _injected: list[_Injected] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _emitter: WebhookEmitter | None = None
    _base_url: str | None = None

    def __post_init__(self) -> None:
        self.phone_numbers.setdefault(self.default_phone_number_id, self.display_phone_number)
        self._throughput = (
            Throughput(self.messages_per_second, self.clock) if self.messages_per_second else None
        )
        self._pairs = (
            PairBucket(self.pair_burst, self.pair_interval, self.clock) if self.pair_burst else None
        )
        self._window = ServiceWindow(self.window_seconds, self.clock)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(r"/{version:v\d+\.\d+}/{phone_number_id}/messages", self._send)
        app.router.add_post("/{phone_number_id}/messages", self._send)  # version is optional
        app.router.add_get(r"/{version:v\d+\.\d+}/{phone_number_id}", self._number)
        app.router.add_get("/{phone_number_id}", self._number)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._emitter is not None:
            await self._emitter.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeCloudApi:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("FakeCloudApi is not started; await start() first")
        return self._base_url

    # -- test controls ---------------------------------------------------------------------

    def fail_next(
        self,
        code: int,
        times: int = 1,
        http_status: int = 400,
        to: str | None = None,
        details: str | None = None,
    ) -> None:
        """Answer the next `times` valid sends (to `to`, if given) with Meta's error `code`."""
        self._injected.append(
            _Injected(code, times, http_status, phone_digits(to) if to else None, details)
        )

    def inbound_from(self, phone: str) -> None:
        """Record that `phone` wrote to us now: its 24 h customer service window opens."""
        self._window.open(phone_digits(phone))

    def message(self, wamid: str) -> SentMessage:
        for sent in self.sent:
            if sent.wamid == wamid:
                return sent
        raise KeyError(f"no accepted send with id {wamid}")

    # -- the endpoints ---------------------------------------------------------------------

    async def _number(self, request: web.Request) -> web.Response:
        """`GET /{phone_number_id}?fields=...`: what a connection's live check reads."""
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            details = "Error validating access token: the bearer token is missing or invalid."
            return _error(190, 401, details)
        number = request.match_info["phone_number_id"]
        if number not in self.phone_numbers:
            details = f"Unsupported get request. Object with ID '{number}' does not exist"
            return _error(100, 400, details)
        return web.json_response(
            {
                "id": number,
                "display_phone_number": self.phone_numbers[number],
                "verified_name": self.verified_name,
                "quality_rating": self.quality_rating,
                "throughput": {"level": "STANDARD"},
                "whatsapp_business_manager_messaging_limit": self.messaging_limit,
            }
        )

    async def _send(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            details = "Error validating access token: the bearer token is missing or invalid."
            return _error(190, 401, details)
        try:
            payload = json.loads(await request.read())
        except ValueError:
            return _error(100, 400, "body: not valid JSON")
        refusal = validate(payload)
        if refusal is not None:
            return _error(refusal.code, 400, refusal.details)
        phone_number_id = request.match_info["phone_number_id"]
        to = payload.get("to") or payload["recipient"]
        wa_id = phone_digits(to) if "to" in payload else to
        refused = self._refusal(phone_number_id, wa_id, payload)
        if refused is not None:
            return refused
        wamid = "wamid." + secrets.token_urlsafe(24)
        self.sent.append(SentMessage(phone_number_id, to, wa_id, payload, wamid, time.time()))
        contact = {"input": to, "wa_id": wa_id} if "to" in payload else {"input": to, "user_id": to}
        message: dict[str, str] = {"id": wamid}
        if payload.get("type") == "template":
            status = self.paced_templates.get(payload["template"]["name"])
            if status is not None:
                message["message_status"] = status
        body = {"messaging_product": "whatsapp", "contacts": [contact], "messages": [message]}
        return web.json_response(body)

    def _refusal(
        self, phone_number_id: str, wa_id: str, payload: dict[str, Any]
    ) -> web.Response | None:
        """Injected errors first, then the window, throughput and pair limits, in Meta's spirit."""
        for injected in self._injected:
            if injected.to is None or injected.to == wa_id:
                injected.times -= 1
                if injected.times <= 0:
                    self._injected.remove(injected)
                return _error(injected.code, injected.http_status, injected.details)
        template = payload.get("type") == "template"
        if self.enforce_window and not template and not self._window.is_open(wa_id):
            details = f"to: no message from {wa_id} in the last 24 hours; send a template instead"
            return self._refuse(131047, details)
        if self._throughput is not None and not self._throughput.take(phone_number_id):
            return self._refuse(130429)
        if self._pairs is not None and not self._pairs.take(phone_number_id, wa_id):
            return self._refuse(131056)
        return None

    def _refuse(self, code: int, details: str | None = None) -> web.Response:
        self.refused[code] = self.refused.get(code, 0) + 1
        return _error(code, 400, details)

    def busiest_second(self, phone_number_id: str | None = None, *, window: float = 1.0) -> int:
        """The most sends accepted within any sliding window of `window` seconds (one second
        unless told; on one number)."""
        times = sorted(m.time for m in self.sent if phone_number_id in (None, m.phone_number_id))
        most, start = 0, 0
        for end, at in enumerate(times):
            while times[start] <= at - window:
                start += 1
            most = max(most, end - start + 1)
        return most

    # -- webhooks --------------------------------------------------------------------------

    def webhook_target(
        self, url: str, verify_token: str, *, retries: int = 3, retry_delay: float = 0.05
    ) -> WebhookEmitter:
        """Where webhooks go, like the Callback URL and Verify token in the App Dashboard."""
        self._emitter = WebhookEmitter(
            url=url,
            verify_token=verify_token,
            app_secret=self.app_secret,
            waba_id=self.waba_id,
            display_phone_number=self.display_phone_number,
            retries=retries,
            retry_delay=retry_delay,
        )
        return self._emitter

    @property
    def webhooks(self) -> WebhookEmitter:
        if self._emitter is None:
            raise RuntimeError("no webhook target; call webhook_target(url, verify_token) first")
        return self._emitter

    async def verify_subscription(self, url: str, verify_token: str) -> bool:
        """Meta's GET handshake against `url`; True when the challenge came back verbatim."""
        probe = WebhookEmitter(url, verify_token, self.app_secret, self.waba_id, "")
        try:
            return await probe.verify_subscription()
        finally:
            await probe.close()

    def status(
        self, wamid: str, status: StatusName, *, error_code: int | None = None
    ) -> StatusEvent:
        """A status event for an accepted send; timestamps rise with the lifecycle stage."""
        sent = self.message(wamid)
        stage = {"sent": 0, "delivered": 1, "read": 2, "failed": 1}[status]
        category = "marketing" if sent.type == "template" else "service"
        return StatusEvent(
            wamid=wamid,
            status=status,
            phone_number_id=sent.phone_number_id,
            recipient_id=sent.wa_id,
            timestamp=int(sent.time) + stage,
            category=category,
            error_code=error_code,
        )

    async def emit_lifecycle(
        self,
        wamids: Iterable[str],
        *,
        skip_delivered: bool = False,
        read: bool = True,
        batch_size: int = 1000,
        duplicate: bool = False,
        reorder: bool = False,
    ) -> list[Delivery]:
        """`sent` → `delivered` → `read` for each message, batched, optionally messed up."""
        stages: list[StatusName] = ["sent"]
        if not skip_delivered:
            stages.append("delivered")
        if read:
            stages.append("read")
        events = [self.status(w, s) for w in wamids for s in stages]
        return await self.webhooks.emit_statuses(
            events, batch_size=batch_size, duplicate=duplicate, reorder=reorder
        )

    async def emit_failed(
        self, wamids: Iterable[str], code: int = 131049, *, include_sent: bool = True
    ) -> list[Delivery]:
        """A send accepted with 200 that fails later, e.g. the per-user marketing limit."""
        events = []
        for wamid in wamids:
            if include_sent:
                events.append(self.status(wamid, "sent"))
            events.append(self.status(wamid, "failed", error_code=code))
        return await self.webhooks.emit_statuses(events)

    async def emit_inbound_text(
        self, from_phone: str, text: str, profile_name: str = "Test User",
        phone_number_id: str | None = None,
    ) -> str:  # fmt: skip
        """A user writes to us: opens their 24 h window and posts the inbound webhook."""
        wa_id = phone_digits(from_phone)
        self._window.open(wa_id)
        wamid, _ = await self.webhooks.emit_inbound_text(
            phone_number_id or self.default_phone_number_id,
            wa_id,
            text,
            profile_name,
            int(time.time()),
        )
        return wamid


def _error(code: int, http_status: int, details: str | None = None) -> web.Response:
    return web.json_response(error_body(code, details), status=http_status)
