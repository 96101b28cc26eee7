"""Composition root of the ai-rag service: settings, then the service kit, then run.

Nothing connects at import time; `build` wires everything and hands it to the runner:
- knowledge bases, event-sourced on `ai.evt.<ws>.<kb_id>`, changed through queries, with their
  read model (`knowledge`: knowledge bases with counts, documents with status);
- the indexer (DocumentAdded -> passages in Qdrant -> DocumentIndexed / DocumentIndexFailed,
  DocumentRemoved -> points and objects deleted), one durable per embedder;
- answers: AnswerQuestion commands (AI nodes) and the `ask` query.

Qdrant runs in local mode in QDRANT_PATH (`.data/qdrant`, beside `parley dev`'s NATS and
PostgreSQL data) unless QDRANT_URL names a server. Local mode locks its directory: one ai-rag
process per directory; use a server for replicas.
"""

from __future__ import annotations

from pathlib import Path

from parley.ai_rag import __version__
from parley.ai_rag.adapters.answerers import build_answerer
from parley.ai_rag.adapters.document_files import DocumentFiles, open_bucket
from parley.ai_rag.adapters.embedders import build_embedder
from parley.ai_rag.adapters.index_ref import IndexRef
from parley.ai_rag.adapters.knowledge_reads import KnowledgeReads
from parley.ai_rag.adapters.knowledge_store import KnowledgeStore
from parley.ai_rag.handlers import answers, indexer, knowledge_read_model
from parley.ai_rag.handlers.answers import Answering, QuestionAnswering
from parley.ai_rag.handlers.ask_query import AskQuery
from parley.ai_rag.handlers.document_reads import DocumentReads
from parley.ai_rag.handlers.document_requests import DocumentRequests
from parley.ai_rag.handlers.indexer import Indexer
from parley.ai_rag.handlers.knowledge_queries import KnowledgeQueries
from parley.ai_rag.handlers.knowledge_read_model import KnowledgeReadModel
from parley.ai_rag.settings import AiRagSettings
from parley.contracts.ai.queries import (
    AddDocument,
    Ask,
    ChangeKnowledgeBase,
    GetDocument,
    GetKnowledgeBase,
    ListDocuments,
    ListKnowledgeBases,
    RemoveDocument,
)
from parley.contracts.streams import USAGE
from parley.runtime.outbound import OutboundPolicy
from parley.runtime.quotas import Quotas
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "ai-rag"
DESCRIPTION = "Parley ai-rag service: knowledge bases, embeddings, Qdrant and grounded answers."
MIGRATIONS = Path(__file__).with_name("migrations")


def build(settings: AiRagSettings | None = None) -> Service:
    """The service, wired; settings come from the environment unless given (tests)."""
    config = settings or load_settings(AiRagSettings)
    service = Service(
        name=NAME,
        version=__version__,
        settings=config,
        description=DESCRIPTION,
        migrations=MIGRATIONS,
    )
    # ask reserves ai_answers on the USAGE counters; created from the catalog if billing is not
    # running (no entitlements then: no limits, nothing counted).
    service.streams = (*service.streams, USAGE)
    nc = service.nc
    embedder = build_embedder(config)
    index = IndexRef(config, embedder)
    store = KnowledgeStore(nc)
    files = DocumentFiles(nc, max_bytes=config.max_document_bytes)
    reads = KnowledgeReads(service.engine, service.schema)
    quotas = Quotas(nc)
    policy = OutboundPolicy(
        allow_private=config.outbound_allow_private, allowed_hosts=config.outbound_allowed_hosts
    )
    answerer = build_answerer(config)

    async def open_index(_: Service) -> None:
        await open_bucket(nc)
        await index.open()

        async def close_index() -> None:
            close = getattr(answerer, "aclose", None)
            if close is not None:
                await close()
            await index.close()

        service.on_stop.append(close_index)

    # First of the start hooks, so its close runs after every consumer has stopped.
    service.on_start.append(open_index)

    service.add_projection(KnowledgeReadModel(), knowledge_read_model.CONSUMER)
    indexing = Indexer(store, files, index, policy)
    service.add_consumer(
        indexer.consumer_spec(embedder.name, config.indexing_lanes), indexing.handle
    )
    answering = Answering(
        nc, index, answerer, threshold=config.relevance_threshold, limit=config.search_limit
    )
    service.add_consumer(
        answers.consumer_spec(config.answering_concurrency), QuestionAnswering(answering).handle
    )

    knowledge = KnowledgeQueries(store, reads, embedder.name)
    service.add_query("list-knowledge-bases", ListKnowledgeBases, knowledge.list)
    service.add_query("get-knowledge-base", GetKnowledgeBase, knowledge.get)
    service.add_query("change-knowledge-base", ChangeKnowledgeBase, knowledge.change)
    documents = DocumentRequests(store, reads, files, quotas, policy)
    service.add_query("add-document", AddDocument, documents.add)
    service.add_query("remove-document", RemoveDocument, documents.remove)
    document_reads = DocumentReads(reads, index)
    service.add_query("list-documents", ListDocuments, document_reads.list)
    service.add_query("get-document", GetDocument, document_reads.get)
    service.add_query("ask", Ask, AskQuery(answering, quotas).ask)
    return service


def main() -> None:
    run_service(build())
