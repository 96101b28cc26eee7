"""Answers `crm.GetContactTimeline`: a contact's timeline, oldest first, a page at a time.

Pages are keyed on (at, event_id), ascending: a row's time never changes, so paging never skips
or repeats a row that was there when the first page was read; rows projected later with an
earlier time (a slow stream catching up) show on a fresh read. The cursor is base64url of
`{"k": "timeline:<contact_id>", "after": [<at>, <event_id>]}`: it names the contact it was
issued for, so a cursor handed to another contact's timeline is refused, not misread.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, TypeAdapter
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.crm.queries import GetContactTimeline, TimelineItem, TimelinePage
from parley.crm.adapters import timeline_store
from parley.runtime.queries import QueryRefused

BAD_CURSOR = (
    "cursor: not a cursor of this contact's timeline; hand back the next_cursor of the "
    "previous page unchanged, or leave it empty for the first page"
)
_POSITION: TypeAdapter[tuple[AwareDatetime, str]] = TypeAdapter(tuple[AwareDatetime, str])


def encode_cursor(contact_id: str, at: datetime, event_id: str) -> str:
    raw = json.dumps(
        {"k": f"timeline:{contact_id}", "after": [at.isoformat(), event_id]},
        separators=(",", ":"),
    ).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(contact_id: str, cursor: str) -> tuple[datetime, str]:
    """The position `encode_cursor(contact_id, ...)` was given; QueryRefused 400 otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        body: Any = json.loads(raw)
        if not isinstance(body, dict) or body.get("k") != f"timeline:{contact_id}":
            raise ValueError(cursor)
        return _POSITION.validate_python(body.get("after"))
    except ValueError:  # bad base64, JSON or key, another contact's: all ValueErrors
        raise QueryRefused("400", BAD_CURSOR) from None


class TimelineQueries:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema

    async def get_contact_timeline(
        self, workspace_id: str, query: GetContactTimeline
    ) -> TimelinePage:
        after = decode_cursor(query.contact_id, query.cursor) if query.cursor else None
        async with self._engine.connect() as conn:
            rows = await timeline_store.page(
                conn,
                self._schema,
                workspace_id,
                query.contact_id,
                after=after,
                limit=query.limit + 1,
            )
        items = tuple(TimelineItem.model_validate(row) for row in rows[: query.limit])
        last = items[-1] if len(rows) > query.limit else None
        return TimelinePage(
            items=items,
            next_cursor=encode_cursor(query.contact_id, last.at, last.event_id) if last else None,
        )
