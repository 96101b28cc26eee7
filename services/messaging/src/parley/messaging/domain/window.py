"""The 24-hour customer service window (platform-facts §A5). Pure.

A contact who wrote to the business opens a 24 h window; inside it any message may go, outside
it only an approved template. Sending free-form outside it would cost a provider call and come
back as 131047, so the pipeline refuses it first, with WINDOW_CLOSED and what to do instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta

WINDOW = timedelta(hours=24)


def window_open(last_inbound_at: datetime | None, now: datetime) -> bool:
    return last_inbound_at is not None and now - last_inbound_at < WINDOW
