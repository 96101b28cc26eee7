"""What a Send message node sends. Limits are WhatsApp Cloud API's (shared/reference §A1), so a
flow that validates here is a flow Meta accepts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TextContent(_Part):
    kind: Literal["text"] = "text"
    body: str = Field(default="", max_length=4096)
    preview_url: bool = False


class MediaContent(_Part):
    kind: Literal["media"] = "media"
    media_type: Literal["image", "document", "audio", "video"] = "image"
    url: str = Field(default="", max_length=2048)
    caption: str = Field(default="", max_length=1024)
    filename: str = Field(default="", max_length=240)  # documents only


class ReplyButton(_Part):
    id: str = Field(min_length=1, max_length=256)
    title: str = Field(min_length=1, max_length=20)


class ButtonsContent(_Part):
    kind: Literal["buttons"] = "buttons"
    body: str = Field(default="", max_length=1024)
    footer: str = Field(default="", max_length=60)
    buttons: tuple[ReplyButton, ...] = Field(default=(), max_length=3)

    @model_validator(mode="after")
    def _unique_titles(self) -> ButtonsContent:
        titles = [b.title for b in self.buttons]
        if len(set(titles)) != len(titles):
            raise ValueError("button titles must be unique within the message")
        ids = [b.id for b in self.buttons]
        if len(set(ids)) != len(ids):
            raise ValueError("button ids must be unique within the message")
        return self


class ListRow(_Part):
    id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=24)
    description: str = Field(default="", max_length=72)


class ListSection(_Part):
    title: str = Field(default="", max_length=24)
    rows: tuple[ListRow, ...] = ()


class ListContent(_Part):
    kind: Literal["list"] = "list"
    header: str = Field(default="", max_length=60)
    body: str = Field(default="", max_length=4096)
    footer: str = Field(default="", max_length=60)
    button: str = Field(default="", max_length=20)
    sections: tuple[ListSection, ...] = Field(default=(), max_length=10)

    @model_validator(mode="after")
    def _row_limits(self) -> ListContent:
        rows = [row for section in self.sections for row in section.rows]
        if len(rows) > 10:
            raise ValueError(f"a list has at most 10 rows across all sections (got {len(rows)})")
        if len({row.id for row in rows}) != len(rows):
            raise ValueError("list row ids must be unique within the message")
        return self


class TemplateContent(_Part):
    kind: Literal["template"] = "template"
    name: str = Field(default="", max_length=512)
    language: str = Field(default="en_US", max_length=15)
    body_parameters: tuple[str, ...] = Field(default=(), max_length=100)


MessageContent = Annotated[
    TextContent | MediaContent | ButtonsContent | ListContent | TemplateContent,
    Field(discriminator="kind"),
]
