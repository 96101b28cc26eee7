"""The pages a browser sees on Stripe's hosted checkout and customer portal, as plain HTML.

Just enough for a person (or an e2e test with an HTTP client) to click through a dev stack:
every action is a form POST, so no JavaScript is needed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from parley.billing.testing.stripe_objects import Json, Price


def money(amount: int, currency: str) -> str:
    symbol = "$" if currency == "usd" else currency.upper() + " "
    return f"{symbol}{amount / 100:,.2f}"


def _date(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d")


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html>\n<html><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head>\n<body>\n{body}\n</body></html>\n"
    )


def checkout_page(session: Json, price: Price) -> str:
    plan = escape(price.nickname or price.id)
    amount = money(price.unit_amount, price.currency)
    if session["status"] != "open":
        return _page("Checkout", f"<h1>{plan}</h1>\n<p>This checkout session is complete.</p>")
    action = f"/checkout/{escape(session['id'])}/pay"
    body = (
        f"<h1>Subscribe to {plan}</h1>\n"
        f"<p class='price'>{amount} per {escape(price.interval)}</p>\n"
        f"<form method='post' action='{action}'>"
        "<input type='hidden' name='outcome' value='success'>"
        "<button type='submit'>Pay</button></form>\n"
        f"<form method='post' action='{action}'>"
        "<input type='hidden' name='outcome' value='fail'>"
        "<button type='submit'>Pay with a failing card</button></form>\n"
        f"<p><a href='{escape(session['cancel_url'])}'>Back</a></p>"
    )
    return _page(f"Subscribe to {plan}", body)


def portal_page(session: Json, subscriptions: list[Json]) -> str:
    rows = []
    for sub in subscriptions:
        item = sub["items"]["data"][0]
        price = item["price"]
        name = escape(price["nickname"] or price["id"])
        line = (
            f"<li id='{escape(sub['id'])}'><strong>{name}</strong> "
            f"{money(price['unit_amount'], price['currency'])} per "
            f"{escape(price['recurring']['interval'])}, status {escape(sub['status'])}"
        )
        action = f"/portal/{escape(session['id'])}/subscriptions/{escape(sub['id'])}"
        if sub["status"] in ("canceled", "incomplete_expired"):
            line += ", ended"
        elif sub["cancel_at_period_end"]:
            line += (
                f", cancels on {_date(item['current_period_end'])}"
                f"<form method='post' action='{action}/renew'>"
                "<button type='submit'>Don't cancel</button></form>"
            )
        else:
            line += (
                f", renews on {_date(item['current_period_end'])}"
                f"<form method='post' action='{action}/cancel'>"
                "<button type='submit'>Cancel at period end</button></form>"
            )
        rows.append(line + "</li>")
    listing = "<ul>\n" + "\n".join(rows) + "\n</ul>" if rows else "<p>No subscriptions.</p>"
    back = session["return_url"]
    link = f"<p><a href='{escape(back)}'>Return to the app</a></p>" if back else ""
    return _page("Manage your subscription", f"<h1>Your subscriptions</h1>\n{listing}\n{link}")


def invoice_page(invoice: Json) -> str:
    body = (
        f"<h1>Invoice {escape(invoice['number'])}</h1>\n"
        f"<p>{money(invoice['amount_due'], invoice['currency'])}, {escape(invoice['status'])}</p>"
    )
    return _page(f"Invoice {invoice['number']}", body)
