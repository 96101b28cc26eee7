"""Custom contact fields: a workspace defines them once, typed, and every value is checked."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FieldType = Literal["text", "number", "date", "boolean", "choice"]
# Keys are what templates and segment filters name: `{{contact.fields.plan}}`.
FIELD_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


class FieldDefinition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    key: str = Field(pattern=FIELD_KEY_PATTERN)
    label: str = Field(min_length=1, max_length=100)
    type: FieldType
    choices: tuple[str, ...] = Field(default=(), max_length=100)  # for "choice" only
