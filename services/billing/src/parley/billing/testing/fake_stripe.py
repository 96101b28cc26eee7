"""A local Stripe: a real HTTP server that behaves like Stripe for stripe-python 16.1 (§B, §D).

Tests, e2e runs and dev stacks start it and point the real client at `base_url`:

    async with FakeStripe(webhook_url=url) as fake:
        client = stripe.StripeClient(fake.api_key, base_addresses={"api": fake.base_url},
                                     max_network_retries=2)

so the billing adapter's form encoding, idempotency keys, retries and error mapping, and the
webhook receiver's signature check, dedup and ordering, all meet Stripe's behaviour rather than a
mock's. The simulation methods (`complete_checkout`, `renew`, ...) are what Stripe does on its
own: charge at the period end, fail a card, give up after retries.

Deliberate simplifications: one price per subscription, no proration invoices on a plan
change, no customer.* events, no payment methods or intents, and Stripe's 24 h idempotency key
expiry is not modelled.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import copy
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web

from parley.billing.testing.forms import parse_form, to_bool
from parley.billing.testing.hosted import HostedPages
from parley.billing.testing.idempotency import IdempotencyStore, SavedResponse
from parley.billing.testing.stripe_account import StripeAccount
from parley.billing.testing.stripe_events import Delivery, WebhookEmitter
from parley.billing.testing.stripe_objects import (
    API_VERSION,
    DEFAULT_PRICES,
    Clock,
    Json,
    Price,
    StripeError,
)

Operation = Callable[[web.Request, Json], Json]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class RecordedRequest:
    """One API request as the fake received and answered it."""

    method: str
    path: str
    params: Json
    idempotency_key: str | None
    status: int
    replayed: bool = False


@dataclass
class _Injected:
    method: str
    path_prefix: str
    status: int
    times: int
    code: str
    should_retry: bool | None
    executed: bool


class FakeStripe:
    """Stripe's v1 API for customers, checkout, the portal, subscriptions, invoices and events."""

    def __init__(
        self,
        api_key: str = "sk_test_fake",
        webhook_url: str | None = None,
        webhook_secret: str = "whsec_test",
        prices: Mapping[str, Price] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.host = host
        self.port = port
        self.clock = clock or Clock()
        self.requests: list[RecordedRequest] = []
        self._emitter = WebhookEmitter(webhook_url, webhook_secret)
        self._account = StripeAccount(
            DEFAULT_PRICES if prices is None else prices,
            self.clock,
            lambda: self.base_url,
            self._emitter.publish,
        )
        self._idempotency = IdempotencyStore()
        self._injected: list[_Injected] = []
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        api = self._api
        account = self._account
        app.router.add_post("/v1/customers", api(lambda _, p: account.create_customer(p)))
        app.router.add_get("/v1/customers/{id}", api(lambda r, _: account.customer(_id(r))))
        app.router.add_post(
            "/v1/customers/{id}", api(lambda r, p: account.update_customer(_id(r), p))
        )
        app.router.add_post(
            "/v1/checkout/sessions", api(lambda _, p: account.create_checkout_session(p))
        )
        app.router.add_get(
            "/v1/checkout/sessions/{id}", api(lambda r, _: account.checkout_session(_id(r)))
        )
        app.router.add_post(
            "/v1/billing_portal/sessions", api(lambda _, p: account.create_portal_session(p))
        )
        app.router.add_get("/v1/subscriptions", api(lambda _, p: account.list_subscriptions(p)))
        app.router.add_get("/v1/subscriptions/{id}", api(lambda r, _: account.subscription(_id(r))))
        app.router.add_post(
            "/v1/subscriptions/{id}", api(lambda r, p: account.update_subscription(_id(r), p))
        )
        app.router.add_delete(
            "/v1/subscriptions/{id}", api(lambda r, _: account.cancel_now(_id(r)))
        )
        app.router.add_get("/v1/invoices", api(lambda _, p: account.list_invoices(p)))
        app.router.add_get("/v1/invoices/{id}", api(lambda r, _: account.invoice(_id(r))))
        app.router.add_get("/v1/events/{id}", api(lambda r, _: account.event(_id(r))))
        app.router.add_route("*", "/v1/{tail:.*}", api(_unrecognized))
        HostedPages(account).add_routes(app)
        app.router.add_post("/_fake/subscriptions/{id}/{action}", self._simulate)
        app.router.add_post("/_fake/clock/advance", self._advance)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        await self._emitter.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeStripe:
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
            raise RuntimeError("FakeStripe is not started; use `async with FakeStripe()`")
        return self._base_url

    # -- state, for assertions -----------------------------------------------------------------

    @property
    def webhook_url(self) -> str | None:
        return self._emitter.url

    @webhook_url.setter
    def webhook_url(self, url: str | None) -> None:
        self._emitter.url = url

    @property
    def prices(self) -> dict[str, Price]:
        return self._account.prices

    @property
    def events(self) -> list[Json]:
        """Every event generated, in generation order (delivered or not)."""
        return self._account.events

    @property
    def deliveries(self) -> list[Delivery]:
        """Every webhook POST attempt, in the order made."""
        return self._emitter.deliveries

    @property
    def customers(self) -> dict[str, Json]:
        return self._account.customers

    @property
    def checkout_sessions(self) -> dict[str, Json]:
        return self._account.checkout_sessions

    @property
    def subscriptions(self) -> dict[str, Json]:
        return self._account.subscriptions

    @property
    def invoices(self) -> dict[str, Json]:
        return self._account.invoices

    def events_of(self, type: str) -> list[Json]:
        return [event for event in self.events if event["type"] == type]

    # -- test controls -------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path_prefix: str,
        status: int = 500,
        times: int = 1,
        *,
        code: str = "",
        should_retry: bool | None = None,
        executed: bool = False,
    ) -> None:
        """Answer the next `times` matching API requests with `status`.

        By default the failure happens before the request runs and is not saved, so the
        client's retry with the same Idempotency-Key executes once. `executed=True` is Stripe's
        other case: the request ran (the object exists, its events went out), then the 500 was
        saved, and a retry with the same key gets that 500 replayed.
        """
        self._injected.append(
            _Injected(method.upper(), path_prefix, status, times, code, should_retry, executed)
        )

    def advance(self, seconds: int) -> int:
        """Move Stripe's clock on; returns the new now (Unix seconds)."""
        return self.clock.advance(seconds)

    # -- simulation: what Stripe does on its own ------------------------------------------------

    async def complete_checkout(self, session_id: str, *, payment_ok: bool = True) -> Json:
        """The customer pays on the hosted page; returns the new subscription."""
        return copy.deepcopy(self._account.complete_checkout(session_id, payment_ok=payment_ok))

    async def renew(self, sub_id: str, *, payment_ok: bool = True) -> Json:
        """The period ends: a new period and invoice, or the end if set to cancel then."""
        return copy.deepcopy(self._account.renew(sub_id, payment_ok=payment_ok))

    async def end_trial(self, sub_id: str, *, payment_ok: bool = True) -> Json:
        return copy.deepcopy(self._account.end_trial(sub_id, payment_ok=payment_ok))

    async def set_status(self, sub_id: str, status: str) -> Json:
        """E.g. `unpaid` after the retries ran out; `canceled` emits ...subscription.deleted."""
        return copy.deepcopy(self._account.set_status(sub_id, status))

    async def cancel(self, sub_id: str, at_period_end: bool) -> Json:
        return copy.deepcopy(self._account.cancel(sub_id, at_period_end=at_period_end))

    async def change_price(self, sub_id: str, price_id: str) -> Json:
        return copy.deepcopy(self._account.change_price(sub_id, price_id))

    async def delete(self, sub_id: str) -> Json:
        return copy.deepcopy(self._account.cancel_now(sub_id))

    # -- webhook controls ----------------------------------------------------------------------

    def hold(self) -> None:
        """Keep new events instead of delivering them, until `release()`."""
        self._emitter.hold()

    async def release(
        self, *, reorder: bool = False, duplicate: bool = False, seed: int = 0
    ) -> list[Delivery]:
        return await self._emitter.release(reorder=reorder, duplicate=duplicate, seed=seed)

    async def send_event(
        self, event_id: str, *, stale: bool = False, forged: bool = False, duplicate: bool = False
    ) -> list[Delivery]:
        """Deliver one generated event again, now (after anything already queued)."""
        event = self._account.event(event_id)
        return await self._emitter.send(event, stale=stale, forged=forged, duplicate=duplicate)

    async def delivered(self) -> None:
        """Wait until every pending webhook delivery has finished (not the held ones)."""
        await self._emitter.delivered()

    # -- the API --------------------------------------------------------------------------------

    def _api(self, operation: Operation) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            key = request.headers.get("Idempotency-Key")
            if request.method not in ("POST", "DELETE"):
                key = None
            try:
                params = parse_form(request.query_string)
                if request.method == "POST":
                    params = {**params, **parse_form(await request.text())}
            except StripeError as error:
                return self._record(request, {}, key, _error(error))
            response = self._answer(request, operation, params, key)
            return self._record(request, params, key, response)

        return handle

    def _record(
        self, request: web.Request, params: Json, key: str | None, response: web.Response
    ) -> web.Response:
        replayed = response.headers.get("Idempotent-Replayed") == "true"
        self.requests.append(
            RecordedRequest(request.method, request.path, params, key, response.status, replayed)
        )
        response.headers["Request-Id"] = new_request_id()
        response.headers["Stripe-Version"] = request.headers.get("Stripe-Version", API_VERSION)
        if key is not None:
            response.headers["Idempotency-Key"] = key
        return response

    def _answer(
        self, request: web.Request, operation: Operation, params: Json, key: str | None
    ) -> web.Response:
        authorization = request.headers.get("Authorization", "")
        if _api_key(authorization) != self.api_key:
            return _error(_auth_error(authorization))
        injected = self._take_injected(request)
        if injected is not None and not injected.executed:
            return _injected_response(injected)
        if key is not None:
            try:
                saved = self._idempotency.replay(
                    self.api_key, key, request.method, request.path, params
                )
            except StripeError as error:
                return _error(error)
            if saved is not None:
                response = web.json_response(saved.body, status=saved.status)
                response.headers["Idempotent-Replayed"] = "true"
                return response
        try:
            with self._account.request(new_request_id(), key):
                body = self._expand(copy.deepcopy(operation(request, params)), params)
        except StripeError as error:
            return _error(error)  # validation failures are not saved, as on Stripe
        response = web.json_response(body)
        if injected is not None:
            response = _injected_response(injected)
            body = _injected_body(injected)
        if key is not None:
            saved = SavedResponse(request.method, request.path, params, response.status, body)
            self._idempotency.save(self.api_key, key, saved)
        return response

    def _take_injected(self, request: web.Request) -> _Injected | None:
        for injected in self._injected:
            if injected.method == request.method and request.path.startswith(injected.path_prefix):
                injected.times -= 1
                if injected.times <= 0:
                    self._injected.remove(injected)
                return injected
        return None

    def _expand(self, body: Json, params: Json) -> Json:
        expand = params.get("expand", [])
        for path in expand if isinstance(expand, list) else [expand]:
            _expand_path(body, str(path).split("."), self._account.find, str(path))
        return body

    # -- simulation over HTTP, for a standalone fake in a dev stack -----------------------------

    async def _simulate(self, request: web.Request) -> web.Response:
        """`POST /_fake/subscriptions/{id}/{renew|end_trial|set_status|cancel|change_price|
        delete}` with form fields `payment_ok`, `status`, `at_period_end`, `price`."""
        form = await request.post()
        sub_id, action = _id(request), request.match_info["action"]
        payment_ok = to_bool(form.get("payment_ok", "true"), "payment_ok")
        actions: dict[str, Callable[[], Awaitable[Json]]] = {
            "renew": lambda: self.renew(sub_id, payment_ok=payment_ok),
            "end_trial": lambda: self.end_trial(sub_id, payment_ok=payment_ok),
            "set_status": lambda: self.set_status(sub_id, str(form.get("status", ""))),
            "cancel": lambda: self.cancel(
                sub_id, to_bool(form.get("at_period_end", "true"), "at_period_end")
            ),
            "change_price": lambda: self.change_price(sub_id, str(form.get("price", ""))),
            "delete": lambda: self.delete(sub_id),
        }
        if action not in actions:
            return web.json_response({"error": f"unknown action {action}"}, status=404)
        try:
            return web.json_response(await actions[action]())
        except StripeError as error:
            return _error(error)
        except ValueError as error:
            return web.json_response({"error": str(error)}, status=400)

    async def _advance(self, request: web.Request) -> web.Response:
        form = await request.post()
        return web.json_response({"now": self.advance(int(str(form.get("seconds", "0"))))})


def _id(request: web.Request) -> str:
    return request.match_info["id"]


def new_request_id() -> str:
    return "req_" + secrets.token_hex(7)


def _unrecognized(request: web.Request, _: Json) -> Json:
    raise StripeError(404, f"Unrecognized request URL ({request.method}: {request.path}).")


def _api_key(authorization: str) -> str:
    """Stripe takes the key as a Bearer token or as the user of Basic auth (`curl -u sk_...:`)."""
    scheme, _, credentials = authorization.partition(" ")
    if scheme == "Bearer":
        return credentials.strip()
    if scheme == "Basic":
        with contextlib.suppress(ValueError):
            return base64.b64decode(credentials).decode().partition(":")[0]
    return ""


def _auth_error(authorization: str) -> StripeError:
    if not authorization:
        return StripeError(
            401,
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth "
            "(e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        )
    given = _api_key(authorization) or authorization
    shown = given[:8] + "*" * max(len(given) - 12, 0) + given[-4:] if len(given) > 12 else given
    return StripeError(401, f"Invalid API Key provided: {shown}")


def _error(error: StripeError) -> web.Response:
    return web.json_response(error.body(), status=error.status)


def _injected_body(injected: _Injected) -> Json:
    if injected.status >= 500:
        error = StripeError(injected.status, "An unknown error occurred", type="api_error")
    elif injected.status == 402:
        error = StripeError(402, "Your card was declined.", type="card_error")
    elif injected.status == 429:
        message = "Too many requests hit the API too quickly."
        error = StripeError(429, message, code=injected.code or "rate_limit")
    else:
        error = StripeError(injected.status, f"Injected failure ({injected.status}).")
    if injected.code:
        error.code = injected.code
    return error.body()


def _injected_response(injected: _Injected) -> web.Response:
    response = web.json_response(_injected_body(injected), status=injected.status)
    if injected.should_retry is not None:
        response.headers["Stripe-Should-Retry"] = "true" if injected.should_retry else "false"
    return response


def _expand_path(node: Any, path: list[str], find: Callable[[str], Json | None], full: str) -> None:
    """Replace the id at `path` with its object (`data.` walks a list's items)."""
    head, rest = path[0], path[1:]
    if not isinstance(node, dict):
        return
    if head == "data" and isinstance(node.get("data"), list) and node.get("object") == "list":
        for item in node["data"]:
            _expand_path(item, rest, find, full)
        return
    if head not in node:
        raise StripeError(400, f"This property cannot be expanded ({full}).", param="expand")
    if isinstance(node[head], str) and (found := find(node[head])) is not None:
        node[head] = copy.deepcopy(found)
    if rest:
        _expand_path(node[head], rest, find, full)


# -- standalone -----------------------------------------------------------------------------------


def _price(option: str) -> Price:
    price_id, _, cents = option.partition("=")
    if not price_id or not cents.isdigit():
        raise argparse.ArgumentTypeError(f"--price wants ID=CENTS, got {option!r}")
    return Price(price_id, int(cents), nickname=price_id)


async def _serve(args: argparse.Namespace) -> None:
    prices = {price.id: price for price in args.price} if args.price else None
    fake = FakeStripe(
        args.api_key, args.webhook_url, args.secret, prices, host=args.host, port=args.port
    )
    async with fake:
        print(f"fake Stripe on {fake.base_url} (key {fake.api_key})", flush=True)
        for price in fake.prices.values():
            print(f"  {price.id}: {price.unit_amount} {price.currency}/{price.interval}")
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--api-key", default="sk_test_fake")
    parser.add_argument("--webhook-url", default=None)
    parser.add_argument("--secret", default="whsec_test", help="the webhook endpoint secret")
    parser.add_argument(
        "--price", type=_price, action="append", help="ID=CENTS, repeatable; replaces defaults"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
