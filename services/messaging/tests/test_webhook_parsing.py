"""Webhook bodies as Meta sends them (platform-facts §A4), parsed without I/O."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.messaging.domain import signatures, statuses
from parley.messaging.domain.webhooks import NotAWebhook, parse

NUMBER = "106540352242922"


def body(value: dict[str, Any], field: str = "messages") -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": NUMBER,
                            },
                            **value,
                        },
                        "field": field,
                    }
                ],
            }
        ],
    }


def message(kind: str, content: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "from": "16505551234",
        "id": f"wamid.{kind}",
        "timestamp": "1749416383",
        "type": kind,
        kind: content,
        **extra,
    }


CONTACTS = [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}]


def test_text_buttons_lists_template_taps_and_media_are_read() -> None:
    parsed = parse(
        body(
            {
                "contacts": CONTACTS,
                "messages": [
                    message("text", {"body": "Does it come in another color?"}),
                    message(
                        "interactive",
                        {"type": "button_reply", "button_reply": {"id": "cancel", "title": "No"}},
                        context={"from": "15550783881", "id": "wamid.asked"},
                    ),
                    message(
                        "interactive",
                        {"type": "list_reply", "list_reply": {"id": "express", "title": "Fast"}},
                    ),
                    message("button", {"payload": "Unsubscribe", "text": "Stop promotions"}),
                    message("image", {"caption": "Taj Mahal", "id": "1003", "mime_type": "x"}),
                    message("sticker", {"id": "9"}),
                    message("location", {"latitude": 1.0, "longitude": 2.0}),
                    {"id": "wamid.odd", "type": "order", "timestamp": "1"},
                ],
            }
        )
    )
    got = [(m.message_type, m.text, m.button_id) for m in parsed.inbound]
    assert got == [
        ("text", "Does it come in another color?", ""),
        ("button", "No", "cancel"),
        ("list", "Fast", "express"),
        ("button", "Stop promotions", "Unsubscribe"),
        ("media", "Taj Mahal", ""),
        ("media", "", ""),
        ("location", "", ""),
        ("unsupported", "", ""),
    ]
    first = parsed.inbound[0]
    assert (first.sender, first.profile_name, first.phone_number_id) == (
        "16505551234",
        "Sheena Nelson",
        NUMBER,
    )
    assert first.at == datetime.fromtimestamp(1749416383, UTC)
    assert parsed.inbound[1].context_id == "wamid.asked"
    assert parsed.inbound[4].media["id"] == "1003"
    assert parsed.inbound[7].sender == ""  # a sender known by no phone is kept, not dropped


def test_statuses_failures_and_system_errors_are_read_and_junk_is_skipped() -> None:
    failure = {"code": 131049, "title": "not delivered to maintain healthy ecosystem engagement"}
    parsed = parse(
        body(
            {
                "statuses": [
                    {"id": "wamid.A", "status": "read", "timestamp": "20", "recipient_id": "1"},
                    {"id": "wamid.A", "status": "delivered", "timestamp": "19"},
                    {"id": "wamid.B", "status": "failed", "timestamp": "5", "errors": [failure]},
                    {"id": "wamid.C", "status": "exploded"},
                    {"status": "sent"},
                ],
                "errors": [{"code": 131000, "title": "Something went wrong"}],
            }
        )
    )
    assert [(s.message_id, s.status) for s in parsed.statuses] == [
        ("wamid.A", "read"),
        ("wamid.A", "delivered"),
        ("wamid.B", "failed"),
    ]
    assert parsed.statuses[2].errors[0]["code"] == 131049
    assert parsed.errors[0]["code"] == 131000


def test_other_fields_are_reported_and_foreign_bodies_refused() -> None:
    assert parse(body({}, field="phone_number_quality_update")).other_fields == (
        "phone_number_quality_update",
    )
    with pytest.raises(NotAWebhook, match="object"):
        parse({"object": "page", "entry": []})


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=20,
    )
)
def test_any_shape_under_the_envelope_parses_without_crashing(value: Any) -> None:
    wrapped = {"object": "whatsapp_business_account", "entry": value}
    parse(wrapped)
    parse(body({"messages": value, "statuses": value, "contacts": value}))


def test_signatures_are_checked_over_the_exact_bytes() -> None:
    raw = json.dumps(body({"messages": []})).encode()
    header = signatures.sign(raw, "app-secret")
    assert signatures.verify(raw, header, "app-secret")
    assert not signatures.verify(raw + b" ", header, "app-secret")  # re-serialised: no match
    assert not signatures.verify(raw, header, "other-secret")
    assert not signatures.verify(raw, None, "app-secret")
    assert not signatures.verify(raw, "sha1=" + header[7:], "app-secret")
    assert not signatures.verify(raw, header, "")


def test_the_subscription_handshake_echoes_the_challenge_only_for_our_token() -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "t0k", "hub.challenge": "1158201444"}
    assert signatures.challenge_answer(params, "t0k") == "1158201444"
    assert signatures.challenge_answer(params, "other") is None
    assert signatures.challenge_answer({**params, "hub.mode": "unsubscribe"}, "t0k") is None


def test_statuses_only_move_forward_and_failed_is_final() -> None:
    assert statuses.advance(None, "delivered") == "delivered"
    assert statuses.advance("read", "delivered") is None  # reordered: read already says more
    assert statuses.advance("delivered", "delivered") is None  # duplicate
    assert statuses.advance("sent", "read") == "read"  # delivered skipped
    assert statuses.advance("read", "failed") == "failed"
    assert statuses.advance("failed", "read") is None
    assert statuses.advance("sent", "bogus") is None
