"""Stripe's building blocks as the fake needs them: prices, ids, the clock, errors and lists.

Objects are plain JSON dicts with `"object"` set, because that is what stripe-python turns into
typed `Subscription`, `Invoice`, ... instances; a dataclass layer would only have to be undone.
"""

from __future__ import annotations

import calendar
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]

API_VERSION = "2026-10-28.endive"


@dataclass(frozen=True)
class Price:
    """A recurring price the account knows; `line_items[0][price]` must name one."""

    id: str
    unit_amount: int
    currency: str = "usd"
    interval: str = "month"
    nickname: str = ""
    product: str = ""

    def to_json(self, created: int) -> Json:
        product = self.product or "prod_" + self.id.removeprefix("price_")
        return {
            "id": self.id,
            "object": "price",
            "active": True,
            "billing_scheme": "per_unit",
            "created": created,
            "currency": self.currency,
            "livemode": False,
            "lookup_key": None,
            "metadata": {},
            "nickname": self.nickname or None,
            "product": product,
            "recurring": {"interval": self.interval, "interval_count": 1, "usage_type": "licensed"},
            "type": "recurring",
            "unit_amount": self.unit_amount,
        }


DEFAULT_PRICES: dict[str, Price] = {
    price.id: price
    for price in (
        Price("price_starter_monthly", 2900, nickname="Starter"),
        Price("price_pro_monthly", 9900, nickname="Pro"),
        Price("price_agency_monthly", 29900, nickname="Agency"),
    )
}


@dataclass
class Clock:
    """Stripe's notion of now, in Unix seconds; tests move it instead of sleeping.

    Only object timestamps (created, periods, trials) read it. Webhook signatures use the wall
    clock, because receivers check them against `time.time()`.
    """

    now: int = field(default_factory=lambda: int(time.time()))

    def advance(self, seconds: int) -> int:
        self.now += seconds
        return self.now

    def at_least(self, moment: int) -> int:
        """Time only moves forward: a renewal happens at the period end, or now if later."""
        self.now = max(self.now, moment)
        return self.now


class StripeError(Exception):
    """An API error the HTTP layer answers with Stripe's `{"error": {...}}` body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str = "",
        param: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param

    def body(self) -> Json:
        error: Json = {"type": self.type, "message": self.message}
        if self.code:
            error["code"] = self.code
        if self.param:
            error["param"] = self.param
        return {"error": error}


def missing(kind: str, object_id: str, param: str = "id") -> StripeError:
    return StripeError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


def required(param: str) -> StripeError:
    return StripeError(
        400, f"Missing required param: {param}.", code="parameter_missing", param=param
    )


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def add_month(moment: int) -> int:
    """One calendar month later, clamped to the month's last day, as Stripe bills monthly."""
    start = datetime.fromtimestamp(moment, UTC)
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    day = min(start.day, calendar.monthrange(year, month)[1])
    return int(start.replace(year=year, month=month, day=day).timestamp())


def list_object(url: str, objects: Sequence[Json], params: Json) -> Json:
    """Stripe's cursor pagination over `objects` (already newest first)."""
    raw_limit = params.get("limit", 10)
    try:
        limit = int(raw_limit)
    except (TypeError, ValueError):
        raise StripeError(400, f"Invalid integer: {raw_limit}", param="limit") from None
    if not 1 <= limit <= 100:
        raise StripeError(400, "Invalid limit: must be between 1 and 100", param="limit")
    start = 0
    after = params.get("starting_after")
    if after:
        ids = [obj["id"] for obj in objects]
        if after not in ids:
            raise missing("object", str(after), "starting_after")
        start = ids.index(after) + 1
    page = list(objects[start : start + limit])
    return {"object": "list", "data": page, "has_more": start + limit < len(objects), "url": url}
