"""Test doubles of the platforms billing talks to, served over real HTTP.

Names load lazily so `python -m parley.billing.testing.fake_stripe` does not import the module
twice (runpy warns when a package has already imported the module it is asked to run).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parley.billing.testing.fake_stripe import FakeStripe, RecordedRequest
    from parley.billing.testing.stripe_events import Delivery, signature_header
    from parley.billing.testing.stripe_objects import DEFAULT_PRICES, Clock, Price

_HOMES = {
    "FakeStripe": "fake_stripe",
    "RecordedRequest": "fake_stripe",
    "Delivery": "stripe_events",
    "signature_header": "stripe_events",
    "DEFAULT_PRICES": "stripe_objects",
    "Clock": "stripe_objects",
    "Price": "stripe_objects",
}

__all__ = [
    "DEFAULT_PRICES",
    "Clock",
    "Delivery",
    "FakeStripe",
    "Price",
    "RecordedRequest",
    "signature_header",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
