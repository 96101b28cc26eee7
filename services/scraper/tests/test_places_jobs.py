"""Google Places jobs against the fake Places API, with the real scraper, NATS and Postgres:
three pages of results, a quota error that recovers and one that does not, a refused key,
the same job twice (dedupe across runs), a cancel mid-job, and a job resumed after the
scraper stopped in the middle of it."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable

import pytest
from nats.aio.client import Client as NatsClient

from parley.contracts.scraper.events import LeadScraped
from parley.contracts.scraper.jobs import (
    CancelScrape,
    GetScrapeJob,
    JobChangeResult,
    JobPage,
    JobReply,
    ListScrapeJobs,
    ListSources,
    ScrapeProgressed,
    SourceList,
    StartScrape,
)
from parley.runtime.testing.plugin import eventually
from parley.scraper.testing.fake_places import FakePlaces
from parley.scraper.testing.harness import (
    ScraperFactory,
    ask,
    events_of,
    finished,
    projected,
    start,
)

pytestmark = pytest.mark.timeout(90)


@pytest.fixture
async def places() -> AsyncIterator[FakePlaces]:
    async with FakePlaces(api_key="places-test-key") as fake:
        yield fake


def _settings(places: FakePlaces) -> dict[str, object]:
    return {"google_places_api_key": places.api_key, "google_places_base_url": places.base_url}


def _bakeries(**more: object) -> dict[str, object]:
    return {
        "source": "google_places",
        "query": "bakery",
        "location": "Lisbon",
        "country": "PT",
        "limit": 100,
        **more,
    }


async def test_a_job_reads_three_pages_and_publishes_every_lead(
    scraper: ScraperFactory, places: FakePlaces, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    async with scraper(**_settings(places)):
        job_id = await start(nc, ws, **_bakeries(tags=("bakery",)))
        end = await finished(nc, ws, job_id)
        assert end.status == "completed", end.reason
        assert (end.counts.pages, end.counts.found, end.counts.leads) == (3, 45, 45)
        progress = await events_of(nc, ws, job_id, ScrapeProgressed)
        assert [p.counts.leads for p in progress] == [20, 40, 45]
        assert progress[-1].message == "page 3 of results (last)"
        leads = await events_of(nc, ws, job_id, LeadScraped)
        assert len({lead.lead_id for lead in leads}) == 45
        first = leads[0]
        assert (first.phone, first.provider, first.country, first.tags) == (
            "+351212130000",
            "google_places",
            "PT",
            ("bakery",),
        )
        assert first.name == "Padaria 0"
        assert first.category == "bakery"
        body = places.requests[0]
        assert body.headers["X-Goog-FieldMask"].startswith("places.id,places.displayName")
        assert json.loads(body.body)["textQuery"] == "bakery in Lisbon"

        reply = await projected(nc, ws, job_id, leads_limit=30)
        assert reply.job is not None
        assert reply.job.counts.leads == 45
        assert len(reply.leads) == 30
        assert reply.next_leads_cursor
        rest = await ask(
            nc,
            ws,
            GetScrapeJob(job_id=job_id, leads_limit=30, leads_cursor=reply.next_leads_cursor),
            JobReply,
        )
        assert len(rest.leads) == 15
        assert rest.next_leads_cursor is None
        assert {x.lead_id for x in reply.leads + rest.leads} == {x.lead_id for x in leads}
        page = await ask(nc, ws, ListScrapeJobs(status="completed"), JobPage)
        assert [j.job_id for j in page.items] == [job_id]
        assert (await ask(nc, ws, ListScrapeJobs(status="running"), JobPage)).items == ()
        other = await ask(nc, unique("other"), GetScrapeJob(job_id=job_id), JobReply)
        assert other.job is None  # another workspace sees nothing


async def test_a_quota_error_is_retried_and_the_job_recovers(
    scraper: ScraperFactory, places: FakePlaces, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    places.quota_errors = 2
    async with scraper(**_settings(places)):
        job_id = await start(nc, ws, **_bakeries())
        end = await finished(nc, ws, job_id)
        assert end.status == "completed", end.reason
        assert end.counts.leads == 45
        assert places.searches() == 3 + 2


async def test_a_quota_that_stays_exhausted_fails_the_job_saying_so(
    scraper: ScraperFactory, places: FakePlaces, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    places.quota_errors = 100
    async with scraper(**_settings(places)):
        job_id = await start(nc, ws, **_bakeries())
        end = await finished(nc, ws, job_id)
        assert end.status == "failed"
        assert "quota is exhausted" in end.reason
        assert "RESOURCE_EXHAUSTED" in end.reason
        assert places.searches() == 4  # the first attempt and three retries


async def test_a_refused_key_fails_the_job(
    scraper: ScraperFactory, places: FakePlaces, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    async with scraper(google_places_api_key="wrong", google_places_base_url=places.base_url):
        job_id = await start(nc, ws, **_bakeries())
        end = await finished(nc, ws, job_id)
        assert end.status == "failed"
        assert end.reason.startswith("the Places API key was refused (PERMISSION_DENIED")
        assert places.searches() == 1  # a refused key is not retried


async def test_the_same_job_twice_publishes_no_lead_twice(
    scraper: ScraperFactory, places: FakePlaces, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    async with scraper(**_settings(places)):
        first = await start(nc, ws, **_bakeries())
        assert (await finished(nc, ws, first)).counts.leads == 45
        second = await start(nc, ws, **_bakeries())
        end = await finished(nc, ws, second)
        assert end.status == "completed"
        assert (end.counts.found, end.counts.leads, end.counts.duplicates) == (45, 0, 45)
        assert await events_of(nc, ws, second, LeadScraped) == []
        # Another workspace finding the same businesses gets them as its own leads.
        elsewhere = unique("elsewhere")
        third = await start(nc, elsewhere, **_bakeries())
        assert (await finished(nc, elsewhere, third)).counts.leads == 45


async def test_a_cancel_stops_the_job_during_a_slow_page(
    scraper: ScraperFactory, places: FakePlaces, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    async with scraper(**_settings(places)):
        places.delay = 0.3
        job_id = await start(nc, ws, **_bakeries())

        async def first_page() -> bool:
            return bool(await events_of(nc, ws, job_id, ScrapeProgressed))

        await eventually(first_page, timeout=10)
        places.delay = 5.0  # the next page is slow: the cancel must not wait for it
        await eventually(lambda: places.searches() >= 2, timeout=5)
        asked = time.monotonic()
        result = await ask(nc, ws, CancelScrape(job_id=job_id, by="owner"), JobChangeResult)
        assert result.ok
        assert result.job is not None
        end = await finished(nc, ws, job_id, timeout=5)
        took = time.monotonic() - asked
        assert end.status == "cancelled"
        assert took < 2.0, f"cancel took {took:.2f}s"
        assert end.counts.pages == 1
        assert end.counts.leads == 20
        again = await ask(nc, ws, CancelScrape(job_id=job_id), JobChangeResult)
        assert not again.ok
        assert again.problems[0].code == "ALREADY_FINISHED"
        missing = await ask(nc, ws, CancelScrape(job_id="job-nope"), JobChangeResult)
        assert missing.problems[0].code == "NOT_FOUND"
        reply = await projected(nc, ws, job_id)
        assert reply.job is not None
        assert reply.job.status == "cancelled"


async def test_a_job_resumes_after_the_scraper_stops_mid_job(
    scraper: ScraperFactory, places: FakePlaces, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    places.delay = 0.4
    async with scraper(**_settings(places)):
        job_id = await start(nc, ws, **_bakeries())

        async def one_page() -> bool:
            return bool(await events_of(nc, ws, job_id, ScrapeProgressed))

        await eventually(one_page, timeout=10)
    # Stopped mid-job; the next scraper resumes from the last recorded page.
    places.delay = 0.0
    async with scraper(**_settings(places)):
        end = await finished(nc, ws, job_id, timeout=30)
    assert end.status == "completed", end.reason
    assert (end.counts.leads, end.counts.duplicates) == (45, 0)
    leads = await events_of(nc, ws, job_id, LeadScraped)
    assert len(leads) == len({lead.lead_id for lead in leads}) == 45
    assert end.counts.pages == 3


async def test_sources_without_credentials_are_not_configured(
    scraper: ScraperFactory, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    async with scraper():
        listed = await ask(nc, ws, ListSources(), SourceList)
        configured = {s.source: s for s in listed.sources}
        assert configured["website"].configured
        assert not configured["google_places"].configured
        assert "GOOGLE_PLACES_API_KEY" in configured["google_places"].hint
        assert "INSTAGRAM_ACCESS_TOKEN" in configured["instagram"].hint
        refused = await ask(
            nc,
            ws,
            StartScrape(job_id="job-x1", source="google_places", query="bakery"),
            JobChangeResult,
        )
        assert not refused.ok
        [problem] = refused.problems
        assert problem.code == "SOURCE_NOT_CONFIGURED"
        assert "GOOGLE_PLACES_API_KEY" in problem.rule
