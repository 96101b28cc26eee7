"""Date functions. Every date is an aware datetime in UTC; nothing here reads the clock.

Text is accepted wherever a date is, read as ISO 8601, because contact fields usually hold dates
as text: `days_between(contact.fields.signed_up, now())` works without wrapping it in date().
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from parley.flow_engine.domain.expressions.errors import OperationFailed
from parley.flow_engine.domain.expressions.values import (
    Value,
    arithmetic,
    as_number,
    as_utc,
    describe,
)

_DAY_MICROSECONDS = 86_400_000_000
_MAX_DAYS_ADDED = 3_660_000  # about the whole range of datetime; beyond it the result cannot exist
_MAX_DATE_TEXT = 64


def as_date(value: Value, what: str, argument: int) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise OperationFailed(f"{what} needs a date, got {describe(value)}", argument=argument)
    text = value.strip()
    try:
        if len(text) > _MAX_DATE_TEXT:
            raise ValueError(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise OperationFailed(
            f"{what} cannot read {describe(value)} as a date: "
            "write ISO 8601, as in 2024-05-31 or 2024-05-31T14:00:00Z",
            argument=argument,
        ) from None
    return as_utc(moment)


def date(args: tuple[Value, ...], now: datetime) -> Value:
    return as_date(args[0], "date()", 0)


def days_between(args: tuple[Value, ...], now: datetime) -> Value:
    """Whole 24-hour periods from the first date to the second, negative if it lies before."""
    start, end = as_date(args[0], "days_between()", 0), as_date(args[1], "days_between()", 1)
    elapsed = (end - start) // timedelta(microseconds=1)
    days = abs(elapsed) // _DAY_MICROSECONDS
    return Decimal(days if elapsed >= 0 else -days)


def add_days(args: tuple[Value, ...], now: datetime) -> Value:
    moment = as_date(args[0], "add_days()", 0)
    days = as_number(args[1], "add_days()")
    if days.copy_abs() > _MAX_DAYS_ADDED:
        raise OperationFailed(
            f"add_days() cannot add {days} days: the date would not exist", argument=1
        )
    microseconds = arithmetic().multiply(days, Decimal(_DAY_MICROSECONDS))
    try:
        return moment + timedelta(microseconds=int(microseconds))
    except OverflowError:
        raise OperationFailed(
            f"add_days() goes outside the years 1 to 9999 from {moment.date().isoformat()}"
        ) from None


def hour(args: tuple[Value, ...], now: datetime) -> Value:
    """The hour in UTC (0 to 23)."""
    return Decimal(as_date(args[0], "hour()", 0).hour)


def weekday(args: tuple[Value, ...], now: datetime) -> Value:
    """1 for Monday to 7 for Sunday, in UTC."""
    return Decimal(as_date(args[0], "weekday()", 0).isoweekday())


def current(args: tuple[Value, ...], now: datetime) -> Value:
    """now(): the moment the engine recorded for this step, so a replay computes the same."""
    return now
