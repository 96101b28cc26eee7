"""Forgetting a test's workspace in the shared streams once the test is done with it.

The NATS server lives for the whole test session. A test that writes tens of thousands of events
(a 100,000-row import, a 10,000-contact campaign) would otherwise leave them for the projections
of every later test's services, which must read past them before they see their own, and
minutes go. Purged messages are never delivered: the consumers move on as if they never were.
"""

from __future__ import annotations

from nats.js import JetStreamContext

from parley.contracts.streams import CRM, FLOW_ENGINE, MESSAGING, StreamSpec
from parley.contracts.subjects import token

BULKY: tuple[StreamSpec, ...] = (CRM, MESSAGING, FLOW_ENGINE)


async def purge_workspace(
    js: JetStreamContext, workspace_id: str, streams: tuple[StreamSpec, ...] = BULKY
) -> None:
    """Purge every `<context>.<kind>.<workspace_id>.>` subject of `streams`."""
    ws = token("workspace_id", workspace_id)
    for spec in streams:
        for subject in spec.all_subjects():
            context = subject.split(".", 1)[0]
            await js.purge_stream(spec.name, subject=f"{context}.*.{ws}.>")
