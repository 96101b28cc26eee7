"""Each kind of content becomes a body the fake Cloud API accepts; bad content names its field."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from parley.messaging.domain.outbound import UnsendableContent, cloud_body, is_template
from parley.messaging.testing.fake_cloud_api import FakeCloudApi

TO = "16505551234"
CONTENTS: list[dict[str, Any]] = [
    {"kind": "text", "body": "Hi Ada", "preview_url": True},
    {"kind": "media", "media_type": "image", "url": "https://x.example/a.jpg", "caption": "A"},
    {"kind": "media", "media_type": "document", "url": "https://x.example/a.pdf", "filename": "a"},
    {
        "kind": "media",
        "media_type": "audio",
        "url": "https://x.example/a.ogg",
        "caption": "dropped",
    },
    {
        "kind": "buttons",
        "body": "Pick one",
        "footer": "Thanks",
        "buttons": [{"id": "buy", "title": "Buy"}, {"id": "info", "title": "Info"}],
    },
    {
        "kind": "list",
        "header": "Menu",
        "body": "Choose",
        "button": "Open",
        "sections": [
            {"title": "Mains", "rows": [{"id": "r1", "title": "Soup", "description": "hot"}]},
            {"title": "Empty", "rows": []},
        ],
    },
    {"kind": "template", "name": "order_update", "language": "es", "body_parameters": ["Ada"]},
]


@pytest.mark.parametrize("content", CONTENTS, ids=lambda c: f"{c['kind']}")
async def test_each_kind_of_content_is_accepted_by_the_cloud_api(content: dict[str, Any]) -> None:
    body = cloud_body(content, TO)
    async with (
        FakeCloudApi(access_token="token", app_secret="secret") as fake,
        aiohttp.ClientSession() as session,
        session.post(
            f"{fake.base_url}/v21.0/106540352242922/messages",
            json=body,
            headers={"Authorization": "Bearer token"},
        ) as answer,
    ):
        reply = await answer.json()
        assert answer.status == 200, reply
        assert reply["messages"][0]["id"].startswith("wamid.")
        assert fake.sent[0].payload == body
    if content.get("media_type") == "audio":
        assert "caption" not in body["audio"]
    if content["kind"] == "list":
        assert len(body["interactive"]["action"]["sections"]) == 1  # the empty section is dropped


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ({"kind": "text", "body": "  "}, "message.body"),
        ({"kind": "media", "url": ""}, "message.url"),
        ({"kind": "buttons", "body": "x", "buttons": []}, "message.buttons"),
        ({"kind": "list", "body": "x", "button": "Open", "sections": []}, "message.sections"),
        ({"kind": "template", "name": ""}, "message.name"),
        ({"kind": "buttons", "body": "x", "buttons": [{"id": "a", "title": "x" * 21}]}, "title"),
        ({"kind": "carousel"}, "message"),
    ],
)
def test_content_that_cannot_be_sent_is_refused_naming_the_field(
    content: dict[str, Any], field: str
) -> None:
    with pytest.raises(UnsendableContent, match=field):
        cloud_body(content, TO)


def test_only_templates_may_leave_outside_the_customer_service_window() -> None:
    assert is_template({"kind": "template", "name": "x"})
    assert not is_template({"kind": "text", "body": "x"})
