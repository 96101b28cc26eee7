"""Knowledge bases on their log: `ai.evt.<ws>.<knowledge_base_id>` in the AI stream.

Decisions are taken on the log (never the read model, which may lag) and appended at the
version they were taken on: two requests changing one knowledge base are decided one after
the other (`execute` reloads and decides again on a conflict).
"""

from __future__ import annotations

from nats.aio.client import Client as NatsClient

from parley.ai_rag.domain.knowledge_base import (
    KnowledgeBase,
    KnowledgeBaseCommand,
    KnowledgeBaseDecider,
)
from parley.contracts.envelope import Envelope
from parley.contracts.streams import AI
from parley.contracts.subjects import event_subject
from parley.runtime.eventstore import EventStore, StoredEvent, execute
from parley.runtime.eventstore.aggregate import Outcome

DECIDER = KnowledgeBaseDecider()


def knowledge_base_subject(workspace_id: str, knowledge_base_id: str) -> str:
    return event_subject("ai", workspace_id, knowledge_base_id)


class KnowledgeStore:
    def __init__(self, nc: NatsClient) -> None:
        self._store = EventStore(nc, AI.name)

    async def change(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        command: KnowledgeBaseCommand,
        cause: Envelope,
    ) -> Outcome[KnowledgeBase]:
        """Decide and append; raises KnowledgeBaseRefused for a change the state refuses."""
        subject = knowledge_base_subject(workspace_id, knowledge_base_id)
        return await execute(self._store, subject, DECIDER, command, cause=cause)

    async def current(self, workspace_id: str, knowledge_base_id: str) -> KnowledgeBase:
        state = DECIDER.initial_state()
        for stored in await self.history(workspace_id, knowledge_base_id):
            state = DECIDER.evolve(state, stored.message)
        return state

    async def history(self, workspace_id: str, knowledge_base_id: str) -> list[StoredEvent]:
        subject = knowledge_base_subject(workspace_id, knowledge_base_id)
        return (await self._store.load_aggregate(subject, snapshots=False)).all()
