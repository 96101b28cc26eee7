"""What stops a send before any provider call: pure rules, one by one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from parley.messaging.domain.send_checks import SendTarget, business_initiated, refusal

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TEXT: dict[str, Any] = {"kind": "text", "body": "hi"}
TEMPLATE: dict[str, Any] = {"kind": "template", "name": "welcome", "language": "en"}


def target(**changes: object) -> SendTarget:
    base = {
        "channel_found": True,
        "channel_status": "active",
        "to": "15550001111",
        "opted_out": False,
        "last_inbound_at": NOW - timedelta(hours=1),
    }
    base.update(changes)
    return SendTarget(**base)  # type: ignore[arg-type]


def code(t: SendTarget, message: dict[str, Any] = TEXT) -> str | None:
    found = refusal(t, message, NOW)
    return found.code if found else None


def test_inside_the_window_anything_goes() -> None:
    assert code(target()) is None
    assert not business_initiated(target(), TEMPLATE, NOW)


def test_after_24_hours_only_a_template() -> None:
    closed = target(last_inbound_at=NOW - timedelta(hours=24, seconds=1))
    assert code(closed) == "WINDOW_CLOSED"
    assert code(closed, TEMPLATE) is None
    assert business_initiated(closed, TEMPLATE, NOW)
    assert code(target(last_inbound_at=None)) == "WINDOW_CLOSED"


def test_each_refusal_in_order_with_a_remedy() -> None:
    assert code(target(channel_found=False)) == "NO_CHANNEL"
    assert code(target(channel_status="disconnected")) == "CHANNEL_DISCONNECTED"
    assert code(target(to="")) == "NO_RECIPIENT"
    assert code(target(opted_out=True), TEMPLATE) == "OPTED_OUT"
    assert code(target(), {"kind": "text", "body": ""}) == "INVALID_CONTENT"
    found = refusal(target(opted_out=True), TEXT, NOW)
    assert found is not None
    assert found.remedy


def test_a_paused_number_is_not_a_refusal() -> None:
    assert code(target(channel_status="paused")) is None
