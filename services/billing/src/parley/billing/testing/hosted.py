"""The hosted pages' routes: checkout, the customer portal and invoices, without API auth.

What a browser does on Stripe's pages changes the account exactly as the simulation methods do,
so the events a person clicking through a dev stack causes are the ones tests assert on.
"""

from __future__ import annotations

from aiohttp import web

from parley.billing.testing.pages import checkout_page, invoice_page, portal_page
from parley.billing.testing.stripe_account import StripeAccount
from parley.billing.testing.stripe_objects import StripeError


class HostedPages:
    def __init__(self, account: StripeAccount) -> None:
        self._account = account

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/checkout/{id}", self._checkout_page)
        app.router.add_post("/checkout/{id}/pay", self._checkout_pay)
        app.router.add_get("/portal/{id}", self._portal_page)
        app.router.add_post("/portal/{id}/subscriptions/{sub}/{action}", self._portal_action)
        app.router.add_get("/invoice/{id}", self._invoice_page)
        app.router.add_get("/invoice/{id}/pdf", self._invoice_pdf)

    async def _checkout_page(self, request: web.Request) -> web.Response:
        try:
            session = self._account.checkout_session(_id(request))
        except StripeError as error:
            return web.Response(status=404, text=error.message)
        html = checkout_page(session, self._account.checkout_price(session["id"]))
        return web.Response(text=html, content_type="text/html")

    async def _checkout_pay(self, request: web.Request) -> web.Response:
        try:
            session = self._account.checkout_session(_id(request))
        except StripeError as error:
            return web.Response(status=404, text=error.message)
        form = await request.post()
        if session["status"] == "open":
            self._account.complete_checkout(
                session["id"], payment_ok=form.get("outcome", "success") == "success"
            )
        target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
        raise web.HTTPSeeOther(target)

    async def _portal_page(self, request: web.Request) -> web.Response:
        try:
            session = self._account.portal_session(_id(request))
        except StripeError as error:
            return web.Response(status=404, text=error.message)
        listing = self._account.list_subscriptions(
            {"customer": session["customer"], "status": "all", "limit": 100}
        )
        html = portal_page(session, listing["data"])
        return web.Response(text=html, content_type="text/html")

    async def _portal_action(self, request: web.Request) -> web.Response:
        try:
            session = self._account.portal_session(_id(request))
            sub = self._account.subscription(request.match_info["sub"])
        except StripeError as error:
            return web.Response(status=404, text=error.message)
        if sub["customer"] != session["customer"]:
            return web.Response(status=404, text="No such subscription for this customer")
        action = request.match_info["action"]
        if action not in ("cancel", "renew"):
            return web.Response(status=404, text=f"No portal action {action}")
        cancel = "true" if action == "cancel" else "false"
        try:
            self._account.update_subscription(sub["id"], {"cancel_at_period_end": cancel})
        except StripeError as error:
            return web.Response(status=400, text=error.message)
        raise web.HTTPSeeOther(f"/portal/{session['id']}")

    async def _invoice_page(self, request: web.Request) -> web.Response:
        try:
            invoice = self._account.invoice(_id(request))
        except StripeError as error:
            return web.Response(status=404, text=error.message)
        return web.Response(text=invoice_page(invoice), content_type="text/html")

    async def _invoice_pdf(self, request: web.Request) -> web.Response:
        try:
            invoice = self._account.invoice(_id(request))
        except StripeError as error:
            return web.Response(status=404, text=error.message)
        text = f"%PDF-1.4\n% fake invoice {invoice['number']}\n%%EOF\n"
        return web.Response(body=text.encode(), content_type="application/pdf")


def _id(request: web.Request) -> str:
    return request.match_info["id"]
