"""The JSON of the objects the fake Stripe creates, shaped as API version 2026-10-28 returns
them: the billing period on the subscription's items, and the invoice's subscription under
`parent.subscription_details` (platform-facts §B2). Pure: the account keeps them."""

from __future__ import annotations

from parley.billing.testing.stripe_objects import Json, new_id

_DAY = 86_400


def subscription_shape(
    *,
    customer_id: str,
    price: Json,
    quantity: int,
    metadata: Json,
    status: str,
    now: int,
    end: int,
    trial: bool,
) -> Json:
    sub_id = new_id("sub")
    item: Json = {
        "id": new_id("si"),
        "object": "subscription_item",
        "created": now,
        "current_period_end": end,
        "current_period_start": now,
        "metadata": {},
        "price": price,
        "quantity": quantity,
        "subscription": sub_id,
    }
    sub: Json = {
        "id": sub_id,
        "object": "subscription",
        "billing_cycle_anchor": end if trial else now,
        "cancel_at": None,
        "cancel_at_period_end": False,
        "canceled_at": None,
        "cancellation_details": {"comment": None, "feedback": None, "reason": None},
        "collection_method": "charge_automatically",
        "created": now,
        "currency": price["currency"],
        "customer": customer_id,
        "default_payment_method": None,
        "description": None,
        "ended_at": None,
        "items": {
            "object": "list",
            "data": [item],
            "has_more": False,
            "total_count": 1,
            "url": f"/v1/subscription_items?subscription={sub_id}",
        },
        "latest_invoice": None,
        "livemode": False,
        "metadata": metadata,
        "start_date": now,
        "status": status,
        "trial_end": end if trial else None,
        "trial_start": now if trial else None,
    }
    return sub


def invoice_shape(
    sub: Json,
    customer: Json,
    *,
    reason: str,
    amount: int,
    paid: bool,
    now: int,
    sequence: int,
    base_url: str,
) -> Json:
    invoice_id = new_id("in")
    item = sub["items"]["data"][0]
    price = item["price"]
    base = base_url
    line: Json = {
        "id": new_id("il"),
        "object": "line_item",
        "amount": amount,
        "currency": price["currency"],
        "description": f"{item['quantity']} x {price['nickname'] or price['id']}",
        "discount_amounts": [],
        "discountable": True,
        "discounts": [],
        "invoice": invoice_id,
        "livemode": False,
        "metadata": {},
        "parent": {
            "type": "subscription_item_details",
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None,
                "proration": False,
                "proration_details": {"credited_items": None},
                "subscription": sub["id"],
                "subscription_item": item["id"],
            },
        },
        "period": {"start": item["current_period_start"], "end": item["current_period_end"]},
        "pretax_credit_amounts": [],
        "pricing": {
            "type": "price_details",
            "price_details": {"price": price["id"], "product": price["product"]},
            "unit_amount_decimal": str(price["unit_amount"] if amount else 0),
        },
        "quantity": item["quantity"],
        "subtotal": amount,
        "taxes": [],
    }
    invoice: Json = {
        "id": invoice_id,
        "object": "invoice",
        "account_country": "US",
        "amount_due": amount,
        "amount_paid": amount if paid else 0,
        "amount_remaining": 0 if paid else amount,
        "attempt_count": 1,
        "attempted": True,
        "auto_advance": not paid,
        "billing_reason": reason,
        "collection_method": "charge_automatically",
        "created": now,
        "currency": price["currency"],
        "customer": customer["id"],
        "customer_email": customer["email"],
        "customer_name": customer["name"],
        "description": None,
        "hosted_invoice_url": f"{base}/invoice/{invoice_id}",
        "invoice_pdf": f"{base}/invoice/{invoice_id}/pdf",
        "lines": {
            "object": "list",
            "data": [line],
            "has_more": False,
            "total_count": 1,
            "url": f"/v1/invoices/{invoice_id}/lines",
        },
        "livemode": False,
        "metadata": {},
        "next_payment_attempt": None if paid else now + 3 * _DAY,
        "number": f"{customer['invoice_prefix']}-{sequence:04d}",
        "parent": {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {
                "metadata": dict(sub["metadata"]),
                "subscription": sub["id"],
            },
        },
        "period_end": now,
        "period_start": now,
        "status": "paid" if paid else "open",
        "status_transitions": {
            "finalized_at": now,
            "marked_uncollectible_at": None,
            "paid_at": now if paid else None,
            "voided_at": None,
        },
        "subtotal": amount,
        "total": amount,
    }
    return invoice
