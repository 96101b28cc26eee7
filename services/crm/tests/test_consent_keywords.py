"""The workspace's STOP languages and words: validated, and mirrored into KV for messaging."""

from __future__ import annotations

from collections.abc import Callable

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.errors import BucketNotFoundError, KeyNotFoundError

from parley.contracts.crm.queries import (
    ChangeConsentKeywords,
    ConsentKeywordsView,
    GetConsentKeywords,
)
from parley.contracts.crm.stop_words import CONSENT_KEYWORDS_BUCKET, ConsentKeywords
from parley.crm.testing.harness import ask
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


async def test_keywords_validated_and_mirrored_to_kv(
    crm: Service, nc: NatsClient, js: JetStreamContext, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    default = await ask(nc, ws, GetConsentKeywords(), ConsentKeywordsView)
    assert default.languages == ("en",)
    assert "stop" in default.stop_keywords

    bad = await ask(
        nc,
        ws,
        ChangeConsentKeywords(languages=("pt", "klingon"), extra_keywords=("!!",)),
        ConsentKeywordsView,
    )
    assert (bad.ok, bad.code) == (False, "KEYWORDS_INVALID")
    assert [p.field for p in bad.problems] == ["languages[1]", "extra_keywords[0]"]
    assert bad.languages == ("en",)  # unchanged

    changed = await ask(
        nc,
        ws,
        ChangeConsentKeywords(languages=("pt", "es"), extra_keywords=("Chega!",)),
        ConsentKeywordsView,
    )
    assert changed.ok
    assert changed.languages == ("pt", "es")
    assert changed.extra_keywords == ("chega",)
    assert {"sair", "baja", "chega"} <= set(changed.stop_keywords)
    assert "stop" not in changed.stop_keywords

    async def mirrored() -> ConsentKeywords | None:
        try:
            kv = await js.key_value(CONSENT_KEYWORDS_BUCKET)
            entry = await kv.get(ws)
        except (BucketNotFoundError, KeyNotFoundError):
            return None
        return ConsentKeywords.model_validate_json(entry.value or b"")

    async def has_it() -> bool:
        found = await mirrored()
        return found is not None and found.languages == ("pt", "es")

    await eventually(has_it, timeout=10)
    found = await mirrored()
    assert found is not None
    assert found.extra_keywords == ("chega",)
    assert "sair" in found.words()
