"""Knowledge bases over the public API, on the running system with ai-rag (WITH_AI_RAG: Qdrant in
local mode, the offline embedder and the extractive answerer): creating, renaming and deleting
a knowledge base; documents inline and uploaded (a Markdown file and a PDF from ai-rag's test
corpus) until they are indexed; new revisions; a question answered from an uploaded document's
passage; refusals naming the field; workspace isolation; who may change what.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from nats.aio.client import Client as NatsClient

import parley.ai_rag.testing as ai_rag_testing
from parley.runtime.testing.plugin import eventually

from .conftest import Account, NewAccount, System
from .test_billing_api import impose, member

WITH_AI_RAG = True
CORPUS = Path(ai_rag_testing.__file__).parent / "corpus"
# (file name, content) of a Markdown file and a small PDF of ai-rag's test corpus.
MARKDOWN = ("hours-and-location.md", (CORPUS / "hours-and-location.md").read_bytes())
PDF = ("allergens.pdf", (CORPUS / "allergens.pdf").read_bytes())


async def new_kb(api: httpx.AsyncClient, who: Account, name: str = "Bakery") -> dict[str, Any]:
    made = await api.post(
        who.path("/knowledge-bases"),
        json={"name": name, "description": "What customers ask"},
        headers=who.auth,
    )
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


async def upload(
    api: httpx.AsyncClient,
    who: Account,
    kb_id: str,
    file: tuple[str, bytes],
    *,
    doc_id: str | None = None,
) -> httpx.Response:
    rest = f"/documents/{doc_id}/upload" if doc_id else "/documents/upload"
    return await api.request(
        "PUT" if doc_id else "POST",
        who.path(f"/knowledge-bases/{kb_id}{rest}"),
        files={"file": file},
        headers=who.auth,
    )


async def indexed(
    api: httpx.AsyncClient, who: Account, kb_id: str, doc_id: str, revision: int = 1
) -> dict[str, Any]:
    """The document with its passages, once ai-rag has indexed `revision`."""
    seen: list[dict[str, Any]] = []

    async def done() -> bool:
        answer = await api.get(
            who.path(f"/knowledge-bases/{kb_id}/documents/{doc_id}"), headers=who.auth
        )
        if answer.status_code == 404:  # the 202 came from the log; the read model lags a moment
            return False
        assert answer.status_code == 200, answer.text
        seen.append(answer.json())
        document = seen[-1]["document"]
        assert document["status"] != "failed", document
        return bool(document["status"] == "indexed" and document["revision"] == revision)

    await eventually(done, timeout=30, interval=0.2)
    return seen[-1]


async def test_a_knowledge_base_is_created_renamed_and_deleted(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    key = {"Idempotency-Key": "kb-create-1", **ana.auth}
    body = {"name": "Bakery", "description": "What customers ask"}
    first = await api.post(ana.path("/knowledge-bases"), json=body, headers=key)
    again = await api.post(ana.path("/knowledge-bases"), json=body, headers=key)
    assert first.status_code == again.status_code == 201, first.text
    kb = first.json()
    assert kb["knowledge_base_id"].startswith("kb-")
    assert again.json()["knowledge_base_id"] == kb["knowledge_base_id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    kb_path = ana.path(f"/knowledge-bases/{kb['knowledge_base_id']}")
    # Each write answers from the log; the reads come from ai-rag's read model, a moment later.

    async def listed() -> bool:
        page = (await api.get(ana.path("/knowledge-bases"), headers=ana.auth)).json()
        return [k["knowledge_base_id"] for k in page["items"]] == [kb["knowledge_base_id"]]

    await eventually(listed, timeout=15, interval=0.1)
    renamed = await api.patch(kb_path, json={"name": "Crumb & Co."}, headers=ana.auth)
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["description"]) == (
        "Crumb & Co.",
        "What customers ask",
    )

    async def renamed_read() -> bool:
        return bool((await api.get(kb_path, headers=ana.auth)).json()["name"] == "Crumb & Co.")

    await eventually(renamed_read, timeout=15, interval=0.1)
    deleted = await api.delete(kb_path, headers=ana.auth)
    assert deleted.status_code == 204, deleted.text

    async def gone_read() -> bool:
        return (await api.get(kb_path, headers=ana.auth)).status_code == 404

    await eventually(gone_read, timeout=15, interval=0.1)
    gone = await api.get(kb_path, headers=ana.auth)
    assert gone.json()["code"] == "NOT_FOUND"
    assert (await api.delete(kb_path, headers=ana.auth)).status_code == 404


async def test_uploaded_documents_are_indexed_and_answer_questions(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    kb_id = (await new_kb(api, ana))["knowledge_base_id"]
    md = await upload(api, ana, kb_id, MARKDOWN)
    pdf = await upload(api, ana, kb_id, PDF)
    assert (md.status_code, pdf.status_code) == (202, 202), (md.text, pdf.text)
    assert (md.json()["format"], pdf.json()["format"]) == ("markdown", "pdf")
    assert md.json()["status"] == "indexing"
    md_id, pdf_id = md.json()["document_id"], pdf.json()["document_id"]
    hours = await indexed(api, ana, kb_id, md_id)
    assert hours["document"]["chunks"] >= 1
    assert any("Opening hours" in p["heading"] for p in hours["passages"]), hours["passages"]
    allergens = await indexed(api, ana, kb_id, pdf_id)
    assert allergens["passages"], allergens
    answer = await api.post(
        ana.path("/knowledge-bases/ask"),
        json={"question": "What time do you open on Saturday?", "knowledge_base_id": kb_id},
        headers=ana.auth,
    )
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["no_answer"] is False
    assert found["answer"]
    assert found["cited"], found
    cited = [found["passages"][i] for i in found["cited"]]
    assert cited[0]["document_id"] == md_id, found
    assert "Saturday" in cited[0]["text"]
    listed = await api.get(
        ana.path(f"/knowledge-bases/{kb_id}/documents"),
        params={"status": "indexed"},
        headers=ana.auth,
    )
    assert {d["document_id"] for d in listed.json()["items"]} == {md_id, pdf_id}
    # The plan's kb_documents bar counts them (ai-rag is asked, like flow-engine for flows).
    billing = await api.get(ana.path("/billing"), headers=ana.auth)
    bars = {bar["metric"]: bar for bar in billing.json()["usage"]}
    assert bars["kb_documents"]["used"] == 2, bars["kb_documents"]


async def test_new_content_is_a_new_revision_indexed_again(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    kb_id = (await new_kb(api, ana))["knowledge_base_id"]
    made = await api.post(
        ana.path(f"/knowledge-bases/{kb_id}/documents"),
        json={"format": "text", "title": "Delivery", "text": "We deliver in Porto on Fridays."},
        headers=ana.auth,
    )
    assert made.status_code == 202, made.text
    doc_id = made.json()["document_id"]
    await indexed(api, ana, kb_id, doc_id)
    replaced = await api.put(
        ana.path(f"/knowledge-bases/{kb_id}/documents/{doc_id}"),
        json={"format": "faq", "faq": [{"question": "Do you deliver?", "answer": "On Fridays."}]},
        headers=ana.auth,
    )
    assert replaced.status_code == 202, replaced.text
    assert replaced.json()["revision"] == 2
    await indexed(api, ana, kb_id, doc_id, revision=2)
    uploaded = await upload(api, ana, kb_id, MARKDOWN, doc_id=doc_id)
    assert uploaded.status_code == 202, uploaded.text
    assert uploaded.json()["revision"] == 3
    third = await indexed(api, ana, kb_id, doc_id, revision=3)
    assert third["document"]["format"] == "markdown"
    removed = await api.delete(
        ana.path(f"/knowledge-bases/{kb_id}/documents/{doc_id}"), headers=ana.auth
    )
    assert removed.status_code == 204, removed.text

    async def gone() -> bool:  # the read model drops it a moment after the 204
        doc = ana.path(f"/knowledge-bases/{kb_id}/documents/{doc_id}")
        return (await api.get(doc, headers=ana.auth)).status_code == 404

    await eventually(gone, timeout=15, interval=0.1)


def fields_of(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 422, answer.text
    return [e["field"] for e in answer.json()["errors"]]


async def test_refusals_name_the_field_and_the_rule(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    kbs = ana.path("/knowledge-bases")
    assert "name" in fields_of(await api.post(kbs, json={"name": ""}, headers=ana.auth))
    assert "colour" in fields_of(
        await api.post(kbs, json={"name": "x", "colour": "red"}, headers=ana.auth)
    )
    kb_id = (await new_kb(api, ana))["knowledge_base_id"]
    docs = ana.path(f"/knowledge-bases/{kb_id}/documents")
    for body, field in (
        ({"format": "text"}, "text"),
        ({"format": "url", "text": "not a url"}, "url"),
        ({"format": "faq", "faq": [{"question": "Why?"}]}, "faq.0.answer"),
        ({"format": "pdf", "text": "x"}, "format"),
        ({"format": "url", "url": "http://127.0.0.1/private"}, "url"),
    ):
        assert field in fields_of(await api.post(docs, json=body, headers=ana.auth)), body
    no_file = await api.post(f"{docs}/upload", files={"title": (None, "No file")}, headers=ana.auth)
    assert "file" in fields_of(no_file)
    unknown = await api.post(
        f"{docs}/upload", files={"file": ("notes.docx", b"PK\x03\x04")}, headers=ana.auth
    )
    assert "format" in fields_of(unknown)
    not_multipart = await api.post(f"{docs}/upload", content=b"x", headers=ana.auth)
    assert not_multipart.status_code == 415
    keyed = await api.post(
        f"{docs}/upload",
        files={"file": ("a.txt", b"hello")},
        headers={**ana.auth, "Idempotency-Key": "upload-1"},
    )
    assert "Idempotency-Key" in fields_of(keyed)
    absent = await api.patch(
        ana.path("/knowledge-bases/kb-nobody"), json={"name": "x"}, headers=ana.auth
    )
    assert absent.status_code == 404
    assert "question" in fields_of(
        await api.post(ana.path("/knowledge-bases/ask"), json={"question": ""}, headers=ana.auth)
    )


async def test_an_upload_over_the_limit_is_a_413(
    api: httpx.AsyncClient, account: NewAccount, system: System
) -> None:
    ana = await account("ana")
    kb_id = (await new_kb(api, ana))["knowledge_base_id"]
    limit = 20_000_000  # the gateway's default MAX_DOCUMENT_BYTES
    answer = await api.post(
        ana.path(f"/knowledge-bases/{kb_id}/documents/upload"),
        files={"file": ("big.txt", b"a" * (limit + 1))},
        headers=ana.auth,
    )
    assert answer.status_code == 413, answer.text
    assert "MAX_DOCUMENT_BYTES" in answer.json()["detail"]
    listed = await api.get(ana.path(f"/knowledge-bases/{kb_id}/documents"), headers=ana.auth)
    assert listed.json()["items"] == []


async def test_workspace_b_never_sees_nor_asks_a_knowledge_base_of_a(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    a, b = await account("a"), await account("b")
    kb_id = (await new_kb(api, a))["knowledge_base_id"]
    made = await upload(api, a, kb_id, MARKDOWN)
    doc_id = made.json()["document_id"]
    await indexed(api, a, kb_id, doc_id)
    kb, doc = f"/knowledge-bases/{kb_id}", f"/knowledge-bases/{kb_id}/documents/{doc_id}"
    for workspace in (b.workspace_id, a.workspace_id):  # B's own, and A's named by B
        for method, rest, body in (
            ("GET", kb, None),
            ("PATCH", kb, {"name": "taken"}),
            ("DELETE", kb, None),
            ("GET", f"{kb}/documents", None),
            ("GET", doc, None),
            ("DELETE", doc, None),
            ("POST", f"{kb}/documents", {"format": "text", "text": "B was here"}),
            ("POST", "/knowledge-bases/ask", {"question": "When?", "knowledge_base_id": kb_id}),
        ):
            answer = await api.request(method, b.path(rest, workspace), json=body, headers=b.auth)
            assert answer.status_code == 404, (method, workspace, rest, answer.text)
        smuggled = await upload(api, b, kb_id, MARKDOWN)
        assert smuggled.status_code == 404, smuggled.text
    # Asked over all of B's knowledge, A's passages are never retrieved.
    theirs = await api.post(
        b.path("/knowledge-bases/ask"),
        json={"question": "What time do you open on Saturday?"},
        headers=b.auth,
    )
    assert theirs.status_code == 200, theirs.text
    assert theirs.json()["no_answer"] is True
    assert theirs.json()["passages"] == []
    assert (await api.get(a.path(doc), headers=a.auth)).json()["document"]["revision"] == 1


async def test_a_viewer_reads_and_asks_but_cannot_change(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    owner = await account("owner")
    kb_id = (await new_kb(api, owner))["knowledge_base_id"]
    viewer = await member(api, account, owner, "viewer", "viewer")
    assert (await api.get(viewer.path("/knowledge-bases"), headers=viewer.auth)).status_code == 200
    asked = await api.post(
        viewer.path("/knowledge-bases/ask"), json={"question": "Open?"}, headers=viewer.auth
    )
    assert asked.status_code == 200, asked.text
    for method, rest, body in (
        ("POST", "/knowledge-bases", {"name": "Mine"}),
        ("PATCH", f"/knowledge-bases/{kb_id}", {"name": "Mine"}),
        ("POST", f"/knowledge-bases/{kb_id}/documents", {"format": "text", "text": "x"}),
    ):
        answer = await api.request(method, viewer.path(rest), json=body, headers=viewer.auth)
        assert answer.status_code == 403, answer.text
        assert "knowledge:manage" in answer.json()["detail"]


async def test_no_documents_left_on_the_plan_is_a_402_naming_the_upgrade(
    api: httpx.AsyncClient, account: NewAccount, nc: NatsClient
) -> None:
    ana = await account("ana")
    await impose(
        nc, ana.workspace_id, limits={"kb_documents": 0}, lifted_by={"kb_documents": "Starter"}
    )
    kb_id = (await new_kb(api, ana))["knowledge_base_id"]
    answer = await api.post(
        ana.path(f"/knowledge-bases/{kb_id}/documents"),
        json={"format": "text", "text": "We bake bread."},
        headers=ana.auth,
    )
    assert answer.status_code == 402, answer.text
    problem = answer.json()
    assert problem["code"] == "PLAN_LIMIT_REACHED"
    assert problem["detail"].startswith("kb_documents")
    assert problem["upgrade"] == {"plan_name": "Starter"}
    refused = await upload(api, ana, kb_id, MARKDOWN)
    assert refused.status_code == 402, refused.text
