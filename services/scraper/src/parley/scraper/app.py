"""Composition root of the scraper service: settings, then the service kit, then run.

Nothing connects at import time; `build` wires everything and hands it to the runner:
- the sources configured here (Google Places with a key, Instagram with a token, websites
  always), each in `adapters/`;
- the job runner (a durable consumer on ScrapeRequested) with the lead intake (dedupe across
  runs in `seen_leads`, the plan's `leads_scraped` through `Quotas`);
- the read model of jobs and leads;
- the queries the gateway asks.
"""

from __future__ import annotations

from pathlib import Path

from parley.contracts.scraper.jobs import (
    CancelScrape,
    GetScrapeJob,
    ListScrapeJobs,
    ListSources,
    ScrapeSource,
    StartScrape,
)
from parley.runtime.quotas import Quotas
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings
from parley.scraper import __version__
from parley.scraper.adapters.instagram import InstagramDiscovery
from parley.scraper.adapters.job_store import JobStore
from parley.scraper.adapters.places import GooglePlaces
from parley.scraper.adapters.seen_leads import SeenLeads
from parley.scraper.adapters.sources import Source
from parley.scraper.adapters.website import WebsiteContacts
from parley.scraper.handlers import job_read_model, job_runner
from parley.scraper.handlers.job_queries import JobQueries
from parley.scraper.handlers.job_runner import JobRunner
from parley.scraper.handlers.lead_intake import LeadIntake
from parley.scraper.settings import ScraperSettings

NAME = "scraper"
DESCRIPTION = "Parley scraper service: lead-capture jobs and providers."
MIGRATIONS = Path(__file__).with_name("migrations")


def sources_of(
    config: ScraperSettings,
) -> tuple[dict[ScrapeSource, Source], dict[ScrapeSource, str]]:
    """The sources this installation can use, and the setting each missing one needs."""
    sources: dict[ScrapeSource, Source] = {
        "website": WebsiteContacts(
            config.outbound_policy,
            user_agent=config.scrape_user_agent,
            min_delay=config.scrape_min_delay,
            timeout=config.scrape_timeout,
        )
    }
    missing: dict[ScrapeSource, str] = {}
    if config.places_key:
        sources["google_places"] = GooglePlaces(
            config.places_key,
            config.google_places_base_url,
            retry_delays=config.scrape_retry_delays,
            timeout=config.scrape_timeout,
        )
    else:
        missing["google_places"] = "GOOGLE_PLACES_API_KEY"
    if config.instagram_token and config.instagram_user_id:
        sources["instagram"] = InstagramDiscovery(
            config.instagram_token,
            config.instagram_user_id,
            config.graph_api_base_url,
            config.graph_api_version,
            retry_delays=config.scrape_retry_delays,
            timeout=config.scrape_timeout,
        )
    else:
        missing["instagram"] = "INSTAGRAM_ACCESS_TOKEN and INSTAGRAM_USER_ID"
    return sources, missing


def build(settings: ScraperSettings | None = None) -> Service:
    """The service, wired; settings come from the environment unless given (tests)."""
    config = settings or load_settings(ScraperSettings)
    service = Service(
        name=NAME,
        version=__version__,
        settings=config,
        description=DESCRIPTION,
        migrations=MIGRATIONS,
    )
    sources, missing = sources_of(config)
    jobs = JobStore(service.nc)
    quotas = Quotas(service.nc)

    service.add_projection(job_read_model.JobReadModel(), job_read_model.CONSUMER)

    intake = LeadIntake(jobs, SeenLeads(service.engine, service.schema), quotas)
    runner = JobRunner(service.nc, jobs, intake, sources, missing)
    service.add_consumer(job_runner.CONSUMER, runner.handle)

    async def stop_runs_first(service: Service) -> None:
        # Registered after the consumer's start, so its stop runs before the consumer's (which
        # waits for the handlers): a running job records its progress and is handed back.
        async def stop() -> None:
            runner.stop()

        service.on_stop.append(stop)

    service.on_start.append(stop_runs_first)

    queries = JobQueries(jobs, quotas, service.engine, service.schema, missing)
    service.add_query("start-scrape", StartScrape, queries.start)
    service.add_query("cancel-scrape", CancelScrape, queries.cancel)
    service.add_query("list-scrape-jobs", ListScrapeJobs, queries.list_jobs)
    service.add_query("get-scrape-job", GetScrapeJob, queries.get)
    service.add_query("list-sources", ListSources, queries.list_sources)
    return service


def main() -> None:
    run_service(build())
