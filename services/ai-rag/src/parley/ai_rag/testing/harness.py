"""The ai-rag service in tests: a client speaking its queries as the gateway does, and a runner
of the real service (its composition root) in this process until a block ends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, TypeVar

from nats.aio.client import Client as NatsClient
from nats.errors import NoRespondersError

from parley.ai_rag.app import build
from parley.ai_rag.settings import AiRagSettings
from parley.contracts.ai.queries import (
    AddDocument,
    Ask,
    AskReply,
    ChangeKnowledgeBase,
    DocumentChangeResult,
    DocumentPage,
    DocumentView,
    KnowledgeBaseChangeResult,
    KnowledgeBasePage,
    ListDocuments,
    ListKnowledgeBases,
)
from parley.contracts.envelope import Envelope
from parley.contracts.messages import Query, Reply
from parley.runtime.queries import query_subject
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

R = TypeVar("R", bound=Reply)


class QueryFailed(Exception):
    pass


class AiClient:
    """The ai-rag queries as the gateway asks them."""

    def __init__(self, service: Service, nc: NatsClient) -> None:
        self.service = service
        self.nc = nc

    async def query(self, ws: str, name: str, query: Query, reply: type[R]) -> R:
        request = Envelope.wrap(query, workspace_id=ws)
        subject = query_subject("ai-rag", name)
        answer = await self.nc.request(subject, request.to_bytes(), timeout=30)
        headers = answer.headers or {}
        if "Nats-Service-Error-Code" in headers:
            code, why = headers["Nats-Service-Error-Code"], headers.get("Nats-Service-Error")
            raise QueryFailed(f"{code}: {why}")
        return reply.model_validate_json(answer.data)

    async def create(self, ws: str, kb: str, name: str = "Help") -> KnowledgeBaseChangeResult:
        change = ChangeKnowledgeBase(knowledge_base_id=kb, action="create", name=name)
        return await self.query(ws, "change-knowledge-base", change, KnowledgeBaseChangeResult)

    async def add(self, ws: str, kb: str, document_id: str, **fields: Any) -> DocumentChangeResult:
        query = AddDocument(knowledge_base_id=kb, document_id=document_id, **fields)
        return await self.query(ws, "add-document", query, DocumentChangeResult)

    async def documents(self, ws: str, kb: str) -> list[DocumentView]:
        listing = ListDocuments(knowledge_base_id=kb, limit=100)
        page = await self.query(ws, "list-documents", listing, DocumentPage)
        return list(page.items)

    async def until_settled(
        self, ws: str, kb: str, expected: dict[str, int], timeout: float = 30
    ) -> dict[str, DocumentView]:
        """Wait until each named document is at its revision and no longer indexing."""

        async def settled() -> bool:
            docs = {d.document_id: d for d in await self.documents(ws, kb)}
            return all(
                d in docs and docs[d].revision == rev and docs[d].status != "indexing"
                for d, rev in expected.items()
            )

        await eventually(settled, timeout=timeout, interval=0.1)
        return {d.document_id: d for d in await self.documents(ws, kb)}

    async def ask(self, ws: str, question: str, request_id: str, kb: str = "") -> AskReply:
        query = Ask(request_id=request_id, question=question, knowledge_base_id=kb)
        return await self.query(ws, "ask", query, AskReply)


StartAiRag = Callable[..., AbstractAsyncContextManager[AiClient]]


@asynccontextmanager
async def running_ai_rag(settings: AiRagSettings, nc: NatsClient) -> AsyncIterator[AiClient]:
    """The real service, wired by its composition root, running in this process."""
    service = build(settings)
    task = asyncio.create_task(service.run())
    try:
        await eventually(lambda: service.phase == "running" or task.done(), timeout=60)
        if task.done():
            task.result()  # start-up failed: say why
        client = AiClient(service, nc)

        async def answering() -> bool:  # subscribed is not yet reachable from another client
            try:
                await client.query("ws-probe", "list-knowledge-bases", ListKnowledgeBases(),
                                   KnowledgeBasePage)  # fmt: skip
            except NoRespondersError:
                return False
            return True

        await eventually(answering, timeout=10, interval=0.05)
        yield client
    finally:
        service.stop()
        await asyncio.wait_for(task, 20)
