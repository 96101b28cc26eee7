"""The ai-rag service end to end through its queries (real NATS, Postgres, Qdrant local mode,
offline embedder, extractive answers): every format indexed, answers citing passages that
exist, off-topic questions unanswered, workspaces apart, revisions, removal, deletion, refusals
naming field and rule, plan limits."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from nats.aio.client import Client as NatsClient
from nats.js.errors import ObjectNotFoundError

from parley.ai_rag.adapters.document_files import open_bucket
from parley.ai_rag.testing.harness import AiClient, StartAiRag
from parley.ai_rag.testing.labelled import load_corpus
from parley.contracts.ai.knowledge import FaqPair
from parley.contracts.ai.queries import (
    ChangeKnowledgeBase,
    DocumentChangeResult,
    DocumentReply,
    GetDocument,
    GetKnowledgeBase,
    KnowledgeBaseChangeResult,
    KnowledgeBasePage,
    KnowledgeBaseReply,
    ListKnowledgeBases,
    RemoveDocument,
)
from parley.flow_engine.testing.plans import entitle, free_plan
from parley.runtime.embedded import free_port
from parley.runtime.testing.plugin import eventually

CORPUS = load_corpus()
KB = "kb-bakery"


def new_ws() -> str:
    return f"ws-{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def site() -> AsyncIterator[str]:
    """A local web site serving the corpus' HTML page (the url document) and a 404."""
    page = next(d for d in CORPUS.documents if d.format == "html").path.read_bytes()

    async def menu(_: web.Request) -> web.Response:
        return web.Response(body=page, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/menu", menu)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def add_corpus(ai: AiClient, nc: NatsClient, ws: str, site: str) -> dict[str, int]:
    """Every format of the corpus through add-document: inline text, an upload, a url, pairs."""
    assert (await ai.create(ws, KB, "Bakery")).ok
    expected = {}
    for doc in CORPUS.documents:
        raw = doc.path.read_bytes()
        if doc.format == "pdf":
            name = f"{ws}/uploads/{doc.path.name}"
            await (await open_bucket(nc)).put(name, raw)
            result = await ai.add(ws, KB, doc.document_id, format="pdf", object_name=name)
        elif doc.format == "faq":
            pairs = tuple(FaqPair.model_validate(p) for p in json.loads(raw))
            result = await ai.add(ws, KB, doc.document_id, format="faq", faq=pairs)
        else:
            result = await ai.add(ws, KB, doc.document_id, format=doc.format, text=raw.decode())
        assert result.ok, result
        expected[doc.document_id] = 1
    fetched = await ai.add(ws, KB, "doc-menu-page", format="url", url=f"{site}/menu")
    assert fetched.ok, fetched
    expected["doc-menu-page"] = 1
    return expected


async def test_every_format_is_indexed_and_answers_cite_existing_passages(
    start_ai_rag: StartAiRag, nc: NatsClient, site: str
) -> None:
    ws = new_ws()
    async with start_ai_rag(outbound_allow_private=True) as ai:
        expected = await add_corpus(ai, nc, ws, site)
        docs = await ai.until_settled(ws, KB, expected)
        assert {d: v.status for d, v in docs.items()} == dict.fromkeys(expected, "indexed")
        assert all(v.chunks > 0 and v.embedder for v in docs.values())
        assert docs["doc-menu-page"].title  # found in the page

        kb = await ai.query(ws, "get-knowledge-base", GetKnowledgeBase(knowledge_base_id=KB),
                            KnowledgeBaseReply)  # fmt: skip
        assert kb.knowledge_base is not None
        assert (kb.knowledge_base.documents, kb.knowledge_base.indexed) == (6, 6)
        assert kb.knowledge_base.chunks == sum(v.chunks for v in docs.values())

        answered = 0
        for n, labelled in enumerate(CORPUS.questions[:8]):
            reply = await ai.ask(ws, labelled.question, f"q-{n}")
            assert reply.ok, reply
            assert {p.document_id for p in reply.passages} <= set(expected)
            assert all(p.knowledge_base_id == KB for p in reply.passages)
            if reply.answer:
                answered += 1
                assert reply.cited
                assert all(0 <= i < len(reply.passages) for i in reply.cited)
                assert reply.model == "extractive"
        assert answered >= 6  # most labelled questions are answered from their passages

        off = await ai.ask(ws, CORPUS.off_topic[0], "q-off")
        assert (off.ok, off.answer, off.cited) == (True, "", ())

        shown = await ai.query(
            ws, "get-document", GetDocument(knowledge_base_id=KB, document_id="doc-hours"),
            DocumentReply,
        )  # fmt: skip
        assert shown.document is not None
        assert shown.passages
        assert {p.document_id for p in shown.passages} == {"doc-hours"}


async def test_workspaces_never_see_each_others_passages(start_ai_rag: StartAiRag) -> None:
    a, b = new_ws(), new_ws()
    hours = next(d for d in CORPUS.documents if d.document_id == "doc-hours")
    async with start_ai_rag() as ai:
        for ws in (a, b):
            assert (await ai.create(ws, KB)).ok  # the same knowledge base id in both
        assert (await ai.add(a, KB, "doc-hours", format="markdown",
                             text=hours.path.read_text())).ok  # fmt: skip
        garden = "Our garden centre sells roses, tulips and olive trees. Open on Saturday at 9."
        assert (await ai.add(b, KB, "doc-garden", format="text", text=garden)).ok
        await ai.until_settled(a, KB, {"doc-hours": 1})
        await ai.until_settled(b, KB, {"doc-garden": 1})

        question = "What time do you open on Saturday?"
        for ws, own in ((a, "doc-hours"), (b, "doc-garden")):
            for kb in ("", KB):
                reply = await ai.ask(ws, question, f"iso-{ws}-{kb}", kb=kb)
                assert reply.passages, reply
                assert {p.document_id for p in reply.passages} == {own}
        # B cannot read A's document either.
        peek = await ai.query(
            b, "get-document", GetDocument(knowledge_base_id=KB, document_id="doc-hours"),
            DocumentReply,
        )  # fmt: skip
        assert (peek.document, peek.passages) == (None, ())
        listed = await ai.query(b, "list-knowledge-bases", ListKnowledgeBases(), KnowledgeBasePage)
        assert [(k.knowledge_base_id, k.documents) for k in listed.items] == [(KB, 1)]


async def test_a_new_revision_replaces_the_passages_and_removal_deletes_them(
    start_ai_rag: StartAiRag, nc: NatsClient
) -> None:
    ws = new_ws()
    async with start_ai_rag() as ai:
        assert (await ai.create(ws, KB)).ok
        first = "Opening hours\n\nWe open at 7 in the morning and close at 7 in the evening."
        assert (await ai.add(ws, KB, "doc-hours", format="text", text=first)).ok
        again = await ai.add(ws, KB, "doc-hours", format="text", text=first)  # a retry
        assert again.ok
        assert again.document is not None
        assert again.document.revision == 1
        await ai.until_settled(ws, KB, {"doc-hours": 1})

        second = "Opening hours\n\nSince May the zeppelin bakery opens at 6 and closes at noon."
        changed = await ai.add(ws, KB, "doc-hours", format="text", text=second)
        assert changed.ok
        assert changed.document is not None
        assert changed.document.revision == 2
        await ai.until_settled(ws, KB, {"doc-hours": 2})
        shown = await ai.query(
            ws, "get-document", GetDocument(knowledge_base_id=KB, document_id="doc-hours"),
            DocumentReply,
        )  # fmt: skip
        texts = " ".join(p.text for p in shown.passages)
        assert "zeppelin" in texts
        assert "7 in the evening" not in texts
        reply = await ai.ask(ws, "When does the zeppelin bakery open?", "rev-q")
        assert all("7 in the evening" not in p.text for p in reply.passages)

        removed = await ai.query(
            ws, "remove-document", RemoveDocument(knowledge_base_id=KB, document_id="doc-hours"),
            DocumentChangeResult,
        )  # fmt: skip
        assert removed.ok
        bucket = await open_bucket(nc)

        async def gone() -> bool:
            reply = await ai.ask(ws, "When does the zeppelin bakery open?", f"g-{uuid.uuid4()}")
            try:
                await bucket.get_info(f"{ws}/doc-hours/2")
            except ObjectNotFoundError:
                return reply.passages == () and await ai.documents(ws, KB) == []
            return False

        await eventually(gone, timeout=15, interval=0.2)

        deleted = await ai.query(
            ws, "change-knowledge-base",
            ChangeKnowledgeBase(knowledge_base_id=KB, action="delete"), KnowledgeBaseChangeResult,
        )  # fmt: skip
        assert deleted.ok

        async def kb_gone() -> bool:
            kb = await ai.query(ws, "get-knowledge-base", GetKnowledgeBase(knowledge_base_id=KB),
                                KnowledgeBaseReply)  # fmt: skip
            return kb.knowledge_base is None

        await eventually(kb_gone, timeout=10)
        refused = await ai.add(ws, KB, "doc-x", format="text", text="hello")
        assert [(p.field, p.code) for p in refused.problems] == [("knowledge_base_id", "NOT_FOUND")]


async def test_refusals_name_the_field_and_the_rule(start_ai_rag: StartAiRag) -> None:
    ws = new_ws()
    async with start_ai_rag() as ai:
        assert (await ai.create(ws, KB)).ok

        async def problems(document_id: str, **fields: object) -> list[tuple[str, str]]:
            result = await ai.add(ws, KB, document_id, **fields)
            assert not result.ok
            return [(p.field, p.rule) for p in result.problems]

        assert await problems("doc-1", format="url") == [("url", "format url needs url")]
        assert await problems("doc-1", format="faq") == [("faq", "format faq needs faq")]
        assert await problems("doc-1", format="pdf", text="inline") == [
            ("text", "a pdf is uploaded, not inline: give object_name")
        ]
        assert await problems("doc-1", format="markdown", text="   ") == [
            ("text", "empty: add some text")
        ]
        assert await problems("doc-1", format="pdf", object_name=f"{ws}/nothing.pdf") == [
            ("object_name", "no such upload: upload the file first")
        ]
        assert await problems("doc-1", format="pdf", object_name="ws-other/x.pdf") == [
            ("object_name", "not an upload of this workspace")
        ]
        [(field, rule)] = await problems("doc-1", format="url", url="http://127.0.0.1:9/x")
        assert field == "url"
        assert rule.endswith("a loopback address: calls to this machine are refused")
        assert (await ai.create(ws, KB, name="Another")).problems[0].code == "KNOWLEDGE_BASE_EXISTS"


async def test_the_plan_limits_documents_and_answers(
    start_ai_rag: StartAiRag, nc: NatsClient
) -> None:
    ws = new_ws()
    await entitle(nc, ws, free_plan(kb_documents=2, ai_answers=1))
    async with start_ai_rag() as ai:
        assert (await ai.create(ws, KB)).ok
        for n in (1, 2):
            assert (await ai.add(ws, KB, f"doc-{n}", format="text", text=f"Bread number {n}.")).ok
        await ai.until_settled(ws, KB, {"doc-1": 1, "doc-2": 1})
        third = await ai.add(ws, KB, "doc-3", format="text", text="Bread number 3.")
        assert not third.ok
        [refusal] = third.problems
        assert refusal.code == "PLAN_LIMIT_REACHED"
        assert refusal.rule == (
            "kb_documents: 2 of 2 used now by this workspace on the Free plan."
            " Upgrade to Starter to lift it."
        )
        # New content for a document already there is no new document.
        assert (await ai.add(ws, KB, "doc-1", format="text", text="Bread, revised.")).ok

        first = await ai.ask(ws, "Which bread number?", "ask-1")
        assert first.ok
        again = await ai.ask(ws, "Which bread number?", "ask-1")  # the same request: counted once
        assert again.ok
        assert again.answer == first.answer
        second = await ai.ask(ws, "Which bread number?", "ask-2")
        assert not second.ok
        assert second.problems[0].code == "PLAN_LIMIT_REACHED"
        assert second.problems[0].rule.startswith("ai_answers: 1 of 1 used this billing period")


async def test_the_read_model_is_rebuilt_from_the_log(start_ai_rag: StartAiRag) -> None:
    ws = new_ws()
    async with start_ai_rag() as ai:
        assert (await ai.create(ws, KB)).ok
        assert (await ai.add(ws, KB, "doc-1", format="text", text="Rye bread, 4 euros.")).ok
        assert (await ai.add(ws, KB, "doc-2", format="markdown", text="")).ok is False
        assert (await ai.add(ws, KB, "doc-2", format="text", text="Spelt bread, 5 euros.")).ok
        assert (await ai.add(ws, KB, "doc-2", format="text", text="Spelt bread, 6 euros.")).ok
        before = await ai.until_settled(ws, KB, {"doc-1": 1, "doc-2": 2})
        [runner] = [p for p in ai.service.projections if p.name == "knowledge"]
        assert await runner.rebuild() > 0
        assert await ai.until_settled(ws, KB, {"doc-1": 1, "doc-2": 2}) == before
