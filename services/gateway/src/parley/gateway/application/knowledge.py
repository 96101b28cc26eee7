"""Knowledge bases, their documents and the "try it" question, through ai-rag
(`parley.q.ai-rag.<name>`).

Ids are chosen here (`kb-…`, `doc-…`, UUIDv7 hex), so a retried create (the Idempotency-Key's
replay aside) names the same thing. An uploaded file is streamed into `DOCUMENTS_BUCKET` under
`document_object_name(ws, doc, revision)` before ai-rag is asked to index it: revision 1 for a
new document, the current revision + 1 for new content of an existing one (read first, so the
previous revision's file stays intact until ai-rag has taken the new one). A refused document's
file is removed again. Indexing is asynchronous: a document answers `indexing` at once and
becomes `indexed` or `failed` (with the reason) as ai-rag gets to it; the app polls the document
or its list to follow it.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Sequence
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from parley.contracts.ai.knowledge import (
    DocumentFormat,
    DocumentStatus,
    FaqPair,
    Passage,
    document_object_name,
)
from parley.contracts.ai.queries import (
    AddDocument,
    AiProblem,
    Ask,
    AskReply,
    ChangeKnowledgeBase,
    DocumentChangeResult,
    DocumentPage,
    DocumentReply,
    DocumentView,
    GetDocument,
    GetKnowledgeBase,
    KnowledgeBaseChangeResult,
    KnowledgeBasePage,
    KnowledgeBaseReply,
    KnowledgeBaseView,
    ListDocuments,
    ListKnowledgeBases,
    RemoveDocument,
)
from parley.contracts.ids import new_id
from parley.contracts.messages import Query, Reply
from parley.gateway.adapters.import_files import ImportFiles
from parley.gateway.adapters.services import Services, ServiceUnavailable
from parley.gateway.api.problems import FieldProblem, Problem, not_found
from parley.gateway.application.crm_calls import checked
from parley.gateway.application.service_calls import ask, reply_problem
from parley.runtime.quotas import Quotas

AI_RAG = "ai-rag"
R = TypeVar("R", bound=Reply)
# What each inline format must carry, named as the request body names it.
_CONTENT_FIELD: dict[str, str] = {"text": "text", "markdown": "text", "html": "text"}
_CONTENT_FIELD.update(url="url", faq="faq")
UploadFormat = Literal["text", "markdown", "html", "pdf"]


class DocumentDetail(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    document: DocumentView
    passages: list[Passage]


class Answer(BaseModel):
    """The knowledge's answer to a question, with what it was made from."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )
    answer: str
    no_answer: bool  # the documents do not answer it (the AI node's no-answer port)
    passages: list[Passage]  # what was retrieved, best first
    cited: list[int]  # indexes into passages that the answer cites
    model: str  # "extractive" offline, else the chat model
    prompt_tokens: int
    completion_tokens: int


def new_knowledge_base_id() -> str:
    return f"kb-{new_id().hex}"


def new_document_id() -> str:
    return f"doc-{new_id().hex}"


def _triples(problems: Sequence[AiProblem]) -> list[tuple[str, str, str]]:
    # ai-rag names a file's content `object_name`; the caller sent it as `file`.
    return [("file" if p.field == "object_name" else p.field, p.rule, p.code) for p in problems]


def _answered(view: KnowledgeBaseView | None, action: str) -> KnowledgeBaseView:
    if view is None:  # the two sides were deployed out of step
        raise ServiceUnavailable(AI_RAG, f"{action} answered ok without the knowledge base")
    return view


class Knowledge:
    def __init__(
        self, services: Services, files: ImportFiles, quotas: Quotas | None, *, max_bytes: int
    ) -> None:
        self._services = services
        self._files = files
        self._quotas = quotas  # for the plan that lifts a refused document or question
        self.max_bytes = max_bytes

    # -- knowledge bases ------------------------------------------------------------------------

    async def list(self, workspace_id: str, *, limit: int, cursor: str) -> KnowledgeBasePage:
        query = checked(ListKnowledgeBases, limit=limit, cursor=cursor)
        return await self._ask("list-knowledge-bases", workspace_id, query, KnowledgeBasePage)

    async def get(self, workspace_id: str, knowledge_base_id: str) -> KnowledgeBaseView:
        query = checked(GetKnowledgeBase, knowledge_base_id=knowledge_base_id)
        found = await self._ask("get-knowledge-base", workspace_id, query, KnowledgeBaseReply)
        if found.knowledge_base is None:
            raise not_found("knowledge base", knowledge_base_id)
        return found.knowledge_base

    async def create(self, workspace_id: str, name: str, description: str) -> KnowledgeBaseView:
        created = await self._change(
            workspace_id, new_knowledge_base_id(), "create", name=name, description=description
        )
        return _answered(created, "create")

    async def rename(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        *,
        name: str | None,
        description: str | None,
    ) -> KnowledgeBaseView:
        """Change what is given; the rest stays as it is (read first)."""
        current = await self.get(workspace_id, knowledge_base_id)
        renamed = await self._change(
            workspace_id,
            knowledge_base_id,
            "rename",
            name=current.name if name is None else name,
            description=current.description if description is None else description,
        )
        return _answered(renamed, "rename")

    async def delete(self, workspace_id: str, knowledge_base_id: str) -> None:
        current = await self.get(workspace_id, knowledge_base_id)  # a 404 rather than a refusal
        await self._change(workspace_id, knowledge_base_id, "delete", name=current.name)

    async def _change(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        action: Literal["create", "rename", "delete"],
        *,
        name: str = "",
        description: str = "",
    ) -> KnowledgeBaseView | None:
        query = checked(
            ChangeKnowledgeBase,
            knowledge_base_id=knowledge_base_id,
            action=action,
            name=name,
            description=description,
        )
        result = await self._ask(
            "change-knowledge-base", workspace_id, query, KnowledgeBaseChangeResult
        )
        if not result.ok:
            raise await self._refused(
                workspace_id, result.problems, f"the knowledge base was not changed ({action})"
            )
        return result.knowledge_base

    # -- documents ------------------------------------------------------------------------------

    async def documents(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        *,
        status: DocumentStatus | None,
        limit: int,
        cursor: str,
    ) -> DocumentPage:
        query = checked(
            ListDocuments,
            knowledge_base_id=knowledge_base_id,
            status=status,
            limit=limit,
            cursor=cursor,
        )
        await self.get(workspace_id, knowledge_base_id)  # B's knowledge base is a 404 in A
        return await self._ask("list-documents", workspace_id, query, DocumentPage)

    async def document(
        self, workspace_id: str, knowledge_base_id: str, document_id: str, *, passages: int
    ) -> DocumentDetail:
        query = checked(
            GetDocument,
            knowledge_base_id=knowledge_base_id,
            document_id=document_id,
            passages=passages,
        )
        found = await self._ask("get-document", workspace_id, query, DocumentReply)
        if found.document is None:
            raise not_found("document", document_id)
        return DocumentDetail(document=found.document, passages=list(found.passages))

    async def add(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        *,
        document_id: str | None = None,
        format: DocumentFormat,
        title: str = "",
        text: str = "",
        url: str = "",
        faq: Sequence[FaqPair] = (),
    ) -> DocumentView:
        """A document given inline (text, markdown, html), by URL or as FAQ pairs: a new one,
        or (`document_id`) new content for an existing one, which must exist."""
        field = _CONTENT_FIELD.get(format)
        if field is None:
            raise Problem(
                422,
                "INVALID_REQUEST",
                f"format {format!r} is uploaded as a file, not sent inline",
                errors=[FieldProblem(field="format", rule="text, markdown, html, url or faq")],
            )
        given = {"text": text, "url": url, "faq": faq}
        if not given[field] or any(given[other] for other in given if other != field):
            rule = f"format {format} takes its content in {field}, and only there"
            raise Problem(
                422,
                "INVALID_REQUEST",
                f"{field}: {rule}",
                errors=[FieldProblem(field=field, rule=rule)],
            )
        if document_id is not None:
            await self.document(workspace_id, knowledge_base_id, document_id, passages=0)
        query = checked(
            AddDocument,
            knowledge_base_id=knowledge_base_id,
            document_id=document_id or new_document_id(),
            format=format,
            title=title,
            text=text,
            url=url,
            faq=tuple(faq),
        )
        return await self._add(workspace_id, query)

    async def upload_target(
        self, workspace_id: str, knowledge_base_id: str, document_id: str | None
    ) -> tuple[str, int]:
        """The document and revision an upload is for, asked before its body is read: a new
        document at revision 1, or an existing one's next revision (404s when absent)."""
        if document_id is None:
            await self.get(workspace_id, knowledge_base_id)
            return new_document_id(), 1
        current = await self.document(workspace_id, knowledge_base_id, document_id, passages=0)
        return document_id, current.document.revision + 1

    async def upload(
        self,
        workspace_id: str,
        knowledge_base_id: str,
        content: AsyncIterable[bytes],
        *,
        target: tuple[str, int],
        format: UploadFormat,
        title: str,
    ) -> DocumentView:
        """A file streamed into the object store under its `upload_target`, then indexed."""
        document_id, revision = target
        name = document_object_name(workspace_id, document_id, revision)
        query = checked(
            AddDocument,
            knowledge_base_id=knowledge_base_id,
            document_id=document_id,
            format=format,
            title=title,
            object_name=name,
        )
        size = await self._files.store(name, content, max_bytes=self.max_bytes)
        if size == 0:
            await self._files.delete(name)
            raise Problem(
                422,
                "INVALID_REQUEST",
                "file: the file is empty",
                errors=[FieldProblem(field="file", rule="a file with some content")],
            )
        try:
            added = await self._add(workspace_id, query)
        except Exception:
            await self._files.delete(name)
            raise
        if added.revision != revision:  # the same content again: ai-rag kept the current one
            await self._files.delete(name)
        return added

    async def remove(self, workspace_id: str, knowledge_base_id: str, document_id: str) -> None:
        query = checked(
            RemoveDocument, knowledge_base_id=knowledge_base_id, document_id=document_id
        )
        result = await self._ask("remove-document", workspace_id, query, DocumentChangeResult)
        if not result.ok:
            raise await self._refused(workspace_id, result.problems, "the document was not removed")

    async def _add(self, workspace_id: str, query: AddDocument) -> DocumentView:
        result = await self._ask("add-document", workspace_id, query, DocumentChangeResult)
        if not result.ok or result.document is None:
            raise await self._refused(workspace_id, result.problems, "the document was not added")
        return result.document

    # -- questions ------------------------------------------------------------------------------

    async def answer(self, workspace_id: str, question: str, knowledge_base_id: str) -> Answer:
        if knowledge_base_id:
            await self.get(workspace_id, knowledge_base_id)  # B's is a 404, never an empty answer
        query = checked(
            Ask,
            request_id=f"ask-{new_id().hex}",
            question=question,
            knowledge_base_id=knowledge_base_id,
        )
        reply = await self._ask("ask", workspace_id, query, AskReply)
        if not reply.ok:
            raise await self._refused(workspace_id, reply.problems, "the question was not answered")
        return Answer(
            answer=reply.answer,
            no_answer=not reply.answer,
            passages=list(reply.passages),
            cited=list(reply.cited),
            model=reply.model,
            prompt_tokens=reply.prompt_tokens,
            completion_tokens=reply.completion_tokens,
        )

    # -- ai-rag ---------------------------------------------------------------------------------

    async def _ask(self, name: str, workspace_id: str, query: Query, reply: type[R]) -> R:
        ident = str(getattr(query, "document_id", "") or getattr(query, "knowledge_base_id", ""))
        return await ask(
            self._services,
            AI_RAG,
            name,
            workspace_id,
            query,
            reply,
            what="knowledge base" if "knowledge" in name else "document",
            ident=ident,
        )

    async def _refused(
        self, workspace_id: str, problems: Sequence[AiProblem], fallback: str
    ) -> Problem:
        return await reply_problem(
            self._quotas, workspace_id, _triples(problems), service=AI_RAG, fallback=fallback
        )
