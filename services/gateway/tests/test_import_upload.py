"""CSV imports over the REST API, against the running system: the upload streamed into the
object store, crm importing it (contacts made, bad rows reported with row, column and reason),
and every refusal of the upload itself (size, media type, mapping, an empty file, a column the
file lacks) as a problem, with nothing left behind in the bucket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from nats.aio.client import Client as NatsClient

from parley.contracts.crm.imports import IMPORTS_BUCKET
from parley.runtime.testing.plugin import eventually

from .conftest import Account, NewAccount, System

CSV = (
    "Phone,Full name,Plan,Tags\r\n"
    "+14155550201,Ada,pro,vip\r\n"
    "+14155550202,Bob,free,\r\n"
    "not a phone,Eve,pro,\r\n"
    "+14155550203,Cy,gold,\r\n"
)
MAPPING = {"Phone": "phone", "Full name": "name", "Plan": "field:plan", "Tags": "tags"}
PROBLEM = "application/problem+json"


async def upload(
    api: httpx.AsyncClient,
    who: Account,
    content: Any,
    *,
    mapping: Any = None,
    media_type: str = "text/csv",
    **params: Any,
) -> httpx.Response:
    raw_mapping = mapping if isinstance(mapping, str) else json.dumps(mapping or MAPPING)
    return await api.post(
        who.path("/imports"),
        content=content,
        params={"mapping": raw_mapping, **params},
        headers={**who.auth, "Content-Type": media_type},
    )


async def stored_names(nc: NatsClient) -> set[str]:
    bucket = await nc.jetstream().object_store(IMPORTS_BUCKET)
    try:
        return {info.name for info in await bucket.list(ignore_deletes=True)}
    except Exception:  # noqa: BLE001 - nats-py raises NotFoundError for an empty bucket
        return set()


async def test_an_uploaded_csv_creates_contacts_and_reports_bad_rows(
    api: httpx.AsyncClient, account: NewAccount, nc: NatsClient
) -> None:
    ana = await account("ana")
    defined = await api.put(
        ana.path("/fields/plan"),
        json={"label": "Plan", "type": "choice", "choices": ["free", "pro"]},
        headers=ana.auth,
    )
    assert defined.status_code == 200, defined.text
    started = await upload(api, ana, CSV.encode(), file_name="march.csv", tags="imported")
    assert started.status_code == 202, started.text
    job = started.json()["job"]
    import_id = job["import_id"]
    assert import_id.startswith("imp-")
    assert started.headers["location"] == ana.path(f"/imports/{import_id}")
    assert f"{ana.workspace_id}/{import_id}" in await stored_names(nc)

    async def finished() -> bool:
        answer = await api.get(ana.path(f"/imports/{import_id}"), headers=ana.auth)
        return answer.status_code == 200 and answer.json()["status"] == "completed"

    await eventually(finished, timeout=30)
    done = (await api.get(ana.path(f"/imports/{import_id}"), headers=ana.auth)).json()
    assert done["file_name"] == "march.csv"
    assert done["totals"] | {} == {
        "rows": 4,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 2,
    }
    errors = (await api.get(ana.path(f"/imports/{import_id}/errors"), headers=ana.auth)).json()
    assert [(e["row"], e["column"]) for e in errors["items"]] == [(3, "Phone"), (4, "Plan")]
    assert all(e["reason"] for e in errors["items"])
    listed = (await api.get(ana.path("/imports"), headers=ana.auth)).json()
    assert [j["import_id"] for j in listed["items"]] == [import_id]

    async def imported() -> list[dict[str, Any]]:
        page = await api.get(ana.path("/contacts"), params={"order": "name_asc"}, headers=ana.auth)
        items: list[dict[str, Any]] = page.json()["items"]
        return items

    async def two() -> bool:
        return len(await imported()) == 2

    await eventually(two, timeout=15)
    ada, bob = await imported()
    assert (ada["name"], ada["phone"], ada["fields"], ada["source"]) == (
        "Ada",
        "+14155550201",
        {"plan": "pro"},
        "import",
    )
    assert sorted(ada["tags"]) == ["imported", "vip"]
    assert (bob["name"], bob["tags"]) == ("Bob", ["imported"])

    # Another workspace sees neither the job nor its errors.
    other = await account("other")
    assert (
        await api.get(other.path(f"/imports/{import_id}"), headers=other.auth)
    ).status_code == 404
    theirs = await api.get(other.path(f"/imports/{import_id}/errors"), headers=other.auth)
    assert theirs.status_code == 404


async def declared_upload(system: System, who: Account, length: int) -> bytes:
    """A request that declares a body of `length` bytes and sends none of it: the answer must
    come from the headers alone (an HTTP client will not send such a request, so: a socket)."""
    host, port = system.api_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    query = urlencode({"mapping": json.dumps({"Phone": "phone"})})
    head = (
        f"POST {who.path('/imports')}?{query} HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {who.token}\r\nContent-Type: text/csv\r\n"
        f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode())
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 15)
    writer.close()
    return answer


async def test_the_upload_is_refused_before_anything_is_imported(
    api: httpx.AsyncClient, account: NewAccount, nc: NatsClient, system: System
) -> None:
    ana = await account("ana")
    before = await stored_names(nc)

    wrong_type = await upload(api, ana, b"{}", media_type="application/json")
    assert wrong_type.status_code == 415
    assert wrong_type.headers["content-type"] == PROBLEM

    not_json = await upload(api, ana, CSV.encode(), mapping="Phone=phone")
    assert not_json.status_code == 422
    assert not_json.json()["errors"][0]["field"] == "mapping"
    bad_target = await upload(api, ana, CSV.encode(), mapping={"Phone": "telephone"})
    assert bad_target.status_code == 422
    assert bad_target.json()["errors"][0]["field"] == "mapping.Phone"
    no_key = await upload(api, ana, CSV.encode(), mapping={"Full name": "name"})
    assert no_key.status_code == 422
    assert "phone or user_id" in no_key.json()["errors"][0]["rule"]

    empty = await upload(api, ana, b"")
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "body"

    missing_column = await upload(api, ana, CSV.encode(), mapping={"Mobile": "phone"})
    assert missing_column.status_code == 422, missing_column.text
    assert missing_column.json()["code"] == "IMPORT_INVALID"
    assert missing_column.json()["errors"], missing_column.text

    unknown_field = await upload(
        api, ana, CSV.encode(), mapping={"Phone": "phone", "Plan": "field:plan"}
    )
    assert unknown_field.status_code == 422, unknown_field.text

    # Honouring a key would mean holding the whole file: refused, and said why.
    keyed = await api.post(
        ana.path("/imports"),
        content=CSV.encode(),
        params={"mapping": json.dumps(MAPPING)},
        headers={**ana.auth, "Content-Type": "text/csv", "Idempotency-Key": "upload-1"},
    )
    assert keyed.status_code == 422
    assert keyed.json()["errors"][0]["field"] == "Idempotency-Key"

    declared_too_big = await declared_upload(system, ana, 51 * 2**20)
    assert declared_too_big.startswith(b"HTTP/1.1 413"), declared_too_big[:200]
    assert b"REQUEST_TOO_LARGE" in declared_too_big
    # Nothing of the refused uploads stayed in the bucket.
    assert await stored_names(nc) == before
    assert (await api.get(ana.path("/imports"), headers=ana.auth)).json()["items"] == []


@pytest.mark.timeout(180)
async def test_a_streamed_upload_over_the_limit_is_a_413_and_leaves_nothing(
    api: httpx.AsyncClient, account: NewAccount, nc: NatsClient
) -> None:
    ana = await account("ana")
    before = await stored_names(nc)
    row = b"+14155550299,Someone\r\n"
    chunk = row * (2**20 // len(row))

    async def body() -> AsyncIterator[bytes]:  # no Content-Length: chunked, counted as it comes
        yield b"Phone,Name\r\n"
        for _ in range(52):
            yield chunk

    answer = await upload(api, ana, body(), mapping={"Phone": "phone", "Name": "name"})
    assert answer.status_code == 413, answer.text
    assert answer.json()["code"] == "REQUEST_TOO_LARGE"
    assert await stored_names(nc) == before
