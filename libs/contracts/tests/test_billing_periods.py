"""Billing periods are months from the anchor, the same in every service."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parley.contracts.billing.entitlements import current_period, period_key, usage_subject
from parley.contracts.subjects import InvalidSubjectToken


def at(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("anchor", "now", "start", "end"),
    [
        (at(2026, 1, 1), at(2026, 12, 2, 9), at(2026, 12, 1), at(2027, 1, 1)),
        (at(2026, 3, 15, 10), at(2026, 12, 15, 9), at(2026, 11, 15, 10), at(2026, 12, 15, 10)),
        (at(2026, 3, 15, 10), at(2026, 12, 15, 10), at(2026, 12, 15, 10), at(2027, 1, 15, 10)),
        (at(2026, 1, 31), at(2026, 2, 28, 12), at(2026, 2, 28), at(2026, 3, 31)),
        (at(2026, 1, 31), at(2026, 3, 30), at(2026, 2, 28), at(2026, 3, 31)),
    ],
)
def test_the_period_containing_now(
    anchor: datetime, now: datetime, start: datetime, end: datetime
) -> None:
    assert current_period(anchor, now) == (start, end)
    assert start <= now < end


def test_usage_subjects_are_checked_tokens() -> None:
    assert period_key(at(2026, 12, 1)) == "2026_12_01"
    assert usage_subject("org", "o1", "messages_sent", "2026_12_01") == (
        "usage.org.o1.messages_sent.2026_12_01"
    )
    with pytest.raises(InvalidSubjectToken):
        usage_subject("ws", "a.>", "messages_sent", "2026_12_01")
