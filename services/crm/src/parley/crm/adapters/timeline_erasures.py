"""`erased_contacts`, as the projections fed from other streams consult it, and the locks that
keep an erasure and a concurrent write of the same contact from missing each other.

Three projections (crm's, messaging's, the flow engine's) write a contact's timeline in
transactions of their own. Without a lock, a messaging batch could read "not erased", the crm
projection could then record the erasure and delete the contact's rows, and the batch would
commit its row afterwards, beyond the delete's reach. So a writer takes a shared transaction
lock per contact before it reads `erased_contacts`, and the erasure takes the exclusive one
before it records and deletes: whichever commits second sees what the first did. Locks are
taken in key order, so two transactions never wait on each other in a circle.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.crm.domain.timeline_entries import ContactKey

# The two-key advisory lock space (class, object), apart from the single-key locks the
# runtime uses for projection leases and migrations.
_LOCK_CLASS = 0x7A11  # "crm contact erasure"


async def _lock(conn: AsyncConnection, contacts: Iterable[ContactKey], *, shared: bool) -> None:
    keys = sorted(set(contacts))
    if not keys:
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    await conn.execute(
        text(
            f"SELECT count({function}(:class, h)) FROM (SELECT DISTINCT hashtext(w || '/' || c)"
            " AS h FROM unnest(CAST(:ws AS text[]), CAST(:cs AS text[])) AS t(w, c)"
            " ORDER BY h) AS ordered"
        ),
        {"class": _LOCK_CLASS, "ws": [k[0] for k in keys], "cs": [k[1] for k in keys]},
    )


async def erased_among(
    conn: AsyncConnection, schema: str, contacts: Iterable[ContactKey]
) -> dict[ContactKey, datetime]:
    """When each of `contacts` that was erased was erased, locking them (shared) until the
    transaction ends so no erasure of theirs can commit in between. One query per batch."""
    keys = sorted(set(contacts))
    if not keys:
        return {}
    await _lock(conn, keys, shared=True)
    result = await conn.execute(
        text(
            f'SELECT e.workspace_id, e.contact_id, e.erased_at FROM "{schema}".erased_contacts e'
            " JOIN unnest(CAST(:ws AS text[]), CAST(:cs AS text[])) AS t(w, c)"
            " ON e.workspace_id = t.w AND e.contact_id = t.c"
        ),
        {"ws": [k[0] for k in keys], "cs": [k[1] for k in keys]},
    )
    return {(row.workspace_id, row.contact_id): row.erased_at for row in result}


async def lock_for_erasure(conn: AsyncConnection, contacts: Iterable[ContactKey]) -> None:
    """Hold the contacts exclusively (until the transaction ends) before erasing them."""
    await _lock(conn, contacts, shared=False)


async def record_erasure(
    conn: AsyncConnection, schema: str, workspace_id: str, contact_id: str, erased_at: datetime
) -> None:
    """Upsert the erasure, as the contacts projection also does: the timeline's erasure must be
    visible to the other projections the moment it commits, whichever projection is ahead.
    The later time wins; nothing ever deletes a row here."""
    await conn.execute(
        text(
            f'INSERT INTO "{schema}".erased_contacts (workspace_id, contact_id, erased_at)'
            " VALUES (:ws, :c, :at) ON CONFLICT (workspace_id, contact_id) DO UPDATE"
            f' SET erased_at = GREATEST("{schema}".erased_contacts.erased_at, EXCLUDED.erased_at)'
        ),
        {"ws": workspace_id, "c": contact_id, "at": erased_at},
    )
