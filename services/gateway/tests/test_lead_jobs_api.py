"""Lead capture over the public API, on the running system with the scraper (WITH_SCRAPER): the
sources, a website job against a local fixture site from start to its leads, cancelling,
refusals as problems (a field's rule, a source not configured, the plan's limit), workspace
isolation and who may start a job.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from nats.aio.client import Client as NatsClient

from parley.runtime.testing.plugin import eventually
from parley.scraper.testing.fixture_site import FixtureSite

from .conftest import Account, NewAccount, System
from .test_billing_api import impose, member

WITH_SCRAPER = True
FINISHED = {"completed", "cancelled", "failed", "limited"}


@pytest.fixture
async def site() -> AsyncIterator[FixtureSite]:
    async with FixtureSite(crawl_delay=0) as running:
        yield running


@pytest.fixture
async def slow_site() -> AsyncIterator[FixtureSite]:
    """A site whose robots.txt asks for 10 s between pages: a job over it stays running."""
    async with FixtureSite(crawl_delay=10) as running:
        yield running


async def start(api: httpx.AsyncClient, who: Account, **body: Any) -> httpx.Response:
    return await api.post(who.path("/lead-jobs"), json=body, headers=who.auth)


async def finished(api: httpx.AsyncClient, who: Account, job_id: str) -> dict[str, Any]:
    """The job with its leads, once it has finished."""
    seen: list[dict[str, Any]] = []

    async def done() -> bool:
        answer = await api.get(who.path(f"/lead-jobs/{job_id}"), headers=who.auth)
        if answer.status_code != 200:
            return False
        seen.append(answer.json())
        return bool(seen[-1]["job"]["status"] in FINISHED)

    await eventually(done, timeout=30, interval=0.2)
    return seen[-1]


async def test_the_sources_say_which_are_configured(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    answer = await api.get(ana.path("/lead-sources"), headers=ana.auth)
    assert answer.status_code == 200, answer.text
    sources = {s["source"]: s for s in answer.json()["sources"]}
    assert sources["website"]["configured"] is True
    assert sources["google_places"]["configured"] is False
    assert "GOOGLE_PLACES_API_KEY" in sources["google_places"]["hint"]


async def test_a_website_job_runs_to_its_leads(
    api: httpx.AsyncClient, account: NewAccount, site: FixtureSite
) -> None:
    ana = await account("ana")
    made = await start(api, ana, source="website", query=site.base_url, limit=10, tags=["bakery"])
    assert made.status_code == 201, made.text
    job = made.json()
    assert job["job_id"].startswith("job-")
    assert job["status"] == "running"
    assert job["requested_by"] == f"user:{ana.user_id}"
    done = await finished(api, ana, job["job_id"])
    assert done["job"]["status"] == "completed", done
    counts = done["job"]["counts"]
    assert counts["pages"] >= 1, counts
    assert counts["leads"] >= 1, counts
    phones = {lead["phone"] for lead in done["leads"]}
    assert "+351213456780" in phones or "+351912000111" in phones, done["leads"]
    assert all(lead["job_id"] == job["job_id"] for lead in done["leads"])
    assert "/impressum" not in site.paths()  # robots.txt disallows it
    listed = await api.get(ana.path("/lead-jobs"), params={"status": "completed"}, headers=ana.auth)
    assert [j["job_id"] for j in listed.json()["items"]] == [job["job_id"]]
    # A page of one lead at a time, with a cursor to the next.
    first = await api.get(
        ana.path(f"/lead-jobs/{job['job_id']}"), params={"leads_limit": 1}, headers=ana.auth
    )
    assert len(first.json()["leads"]) == 1
    if counts["leads"] > 1:
        assert first.json()["next_leads_cursor"]


async def test_a_running_job_is_cancelled_once(
    api: httpx.AsyncClient, account: NewAccount, slow_site: FixtureSite
) -> None:
    ana = await account("ana")
    made = await start(api, ana, source="website", query=slow_site.base_url)
    assert made.status_code == 201, made.text
    job_id = made.json()["job_id"]
    cancelled = await api.post(ana.path(f"/lead-jobs/{job_id}/cancel"), headers=ana.auth)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["job_id"] == job_id
    done = await finished(api, ana, job_id)
    assert done["job"]["status"] == "cancelled", done
    again = await api.post(ana.path(f"/lead-jobs/{job_id}/cancel"), headers=ana.auth)
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "ALREADY_FINISHED"


async def test_refusals_name_the_field_and_the_rule(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    for body, field in (
        ({"source": "myspace", "query": "x"}, "source"),
        ({"source": "website", "query": ""}, "query"),
        ({"source": "website", "query": "x", "limit": 0}, "limit"),
        ({"source": "website", "query": "x", "country": "Portugal"}, "country"),
        ({"source": "website", "query": "x", "colour": "red"}, "colour"),
    ):
        answer = await start(api, ana, **body)
        assert answer.status_code == 422, (body, answer.text)
        assert field in [e["field"] for e in answer.json()["errors"]], (body, answer.text)
    places = await start(api, ana, source="google_places", query="bakery", location="Lisbon")
    assert places.status_code == 422, places.text
    problem = places.json()
    assert problem["code"] == "SOURCE_NOT_CONFIGURED"
    assert "GOOGLE_PLACES_API_KEY" in problem["detail"]
    assert problem["errors"][0]["field"] == "source"
    missing = await api.get(ana.path("/lead-jobs/job-nobody"), headers=ana.auth)
    assert missing.status_code == 404
    assert missing.json()["code"] == "NOT_FOUND"


async def test_no_leads_left_on_the_plan_is_a_402_naming_the_upgrade(
    api: httpx.AsyncClient, account: NewAccount, system: System, nc: NatsClient
) -> None:
    ana = await account("ana")
    await impose(
        nc,
        ana.workspace_id,
        limits={"leads_scraped": 0},
        lifted_by={"leads_scraped": "Starter"},
    )
    answer = await start(api, ana, source="website", query="https://example.com")
    assert answer.status_code == 402, answer.text
    problem = answer.json()
    assert problem["code"] == "PLAN_LIMIT_REACHED"
    assert problem["detail"].startswith("leads_scraped")
    assert problem["upgrade"] == {"plan_name": "Starter"}


async def test_workspace_b_never_sees_a_job_of_a(
    api: httpx.AsyncClient, account: NewAccount, slow_site: FixtureSite
) -> None:
    a, b = await account("a"), await account("b")
    made = await start(api, a, source="website", query=slow_site.base_url)
    job_id = made.json()["job_id"]
    for method, rest in (("GET", f"/lead-jobs/{job_id}"), ("POST", f"/lead-jobs/{job_id}/cancel")):
        for workspace in (b.workspace_id, a.workspace_id):  # B's own, and A's named by B
            answer = await api.request(method, b.path(rest, workspace), headers=b.auth)
            assert answer.status_code == 404, (method, workspace, answer.text)
    listed = await api.get(b.path("/lead-jobs"), headers=b.auth)
    assert listed.json()["items"] == []
    await api.post(a.path(f"/lead-jobs/{job_id}/cancel"), headers=a.auth)


async def test_a_viewer_reads_jobs_but_cannot_start_one(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    owner = await account("owner")
    viewer = await member(api, account, owner, "viewer", "viewer")
    assert (await api.get(viewer.path("/lead-jobs"), headers=viewer.auth)).status_code == 200
    assert (await api.get(viewer.path("/lead-sources"), headers=viewer.auth)).status_code == 200
    refused = await start(api, viewer, source="website", query="https://example.com")
    assert refused.status_code == 403, refused.text
    assert "leads:manage" in refused.json()["detail"]
