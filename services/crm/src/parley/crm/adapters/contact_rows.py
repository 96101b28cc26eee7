"""A `contacts` row (joined with its activity) as the ContactView every read returns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from parley.contracts.crm.contacts import Consent, ConsentEvidence, ContactView
from parley.crm.adapters.tables import contact_activity, contacts

# The columns a ContactView needs: select these from `CONTACTS_WITH_ACTIVITY`.
VIEW_COLUMNS = (*contacts.c, contact_activity.c.last_inbound_at)
CONTACTS_WITH_ACTIVITY = contacts.outerjoin(
    contact_activity,
    sa.and_(
        contact_activity.c.workspace_id == contacts.c.workspace_id,
        contact_activity.c.contact_id == contacts.c.contact_id,
    ),
)


def contact_view(row: Mapping[str, Any]) -> ContactView:
    opted_in = (
        ConsentEvidence(
            source=row["opted_in_source"] or "unspecified",
            at=row["opted_in_at"],
            wording=row["opted_in_wording"],
            channel=row["opted_in_channel"] or "whatsapp",
        )
        if row["opted_in_at"] is not None
        else None
    )
    return ContactView(
        contact_id=row["contact_id"],
        phone=row["phone"],
        user_id=row["user_id"],
        name=row["name"],
        language=row["language"],
        time_zone=row["time_zone"],
        fields=dict(row["fields"] or {}),
        tags=tuple(row["tags"] or ()),
        stage=row["stage"],
        source=row["source"],
        consent=Consent(
            state=row["consent_state"],
            opted_in=opted_in,
            opted_out_at=row["opted_out_at"],
            opted_out_channel=row["opted_out_channel"],
            opted_out_source=row["opted_out_source"],
        ),
        last_inbound_at=row.get("last_inbound_at"),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        erased=row["erased"],
    )


def select_views() -> sa.Select[Any]:
    """SELECT of contact views; callers add the workspace condition, order and limit."""
    return sa.select(*VIEW_COLUMNS).select_from(CONTACTS_WITH_ACTIVITY)
