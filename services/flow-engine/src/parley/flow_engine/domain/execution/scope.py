"""What `{{ }}` templates and expressions see while an execution runs, and how values are kept."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from parley.flow_engine.domain.execution.state import Execution


def scope_of(state: Execution) -> dict[str, Any]:
    contact = state.contact
    return {
        "contact": {
            "id": contact.contact_id,
            "name": contact.name,
            "phone": contact.phone,
            "language": contact.language,
            "time_zone": contact.time_zone,
            "fields": dict(contact.fields),
            "tags": list(contact.tags),
        },
        "vars": dict(state.variables),
        "reply": dict(state.reply),
    }


def to_json(value: object) -> Any:
    """An expression value as stored in the log: JSON, and read back into the same value."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    return value
