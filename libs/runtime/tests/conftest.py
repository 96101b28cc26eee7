"""Shared fixtures of the runtime tests: a fresh event stream per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from nats.js import JetStreamContext

from parley.contracts.streams import StreamSpec
from parley.runtime.streams import ensure_stream


@dataclass(frozen=True)
class FreshStream:
    name: str
    context: str  # subject prefix: every subject of the stream starts with `<context>.`


@pytest.fixture
async def fresh_stream(
    js: JetStreamContext, unique: Callable[[str], str]
) -> AsyncIterator[FreshStream]:
    name = unique("ES")
    context = unique("es").lower()
    spec = StreamSpec(name, (f"{context}.>",), owner="test", description="test", atomic=True)
    await ensure_stream(js, spec)
    try:
        yield FreshStream(name, context)
    finally:
        await js.delete_stream(name)
