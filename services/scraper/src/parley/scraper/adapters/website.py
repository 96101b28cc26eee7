"""The website contact extractor: for each site in the job, its home page and a few likely
contact pages (links saying contact, about, impressum ... on the same host), read for phones,
e-mails and WhatsApp links.

robots.txt is read first and obeyed for "ParleyBot": a disallowed page is never requested, and
the site's progress message says how many were skipped. Every request goes through the outbound
guard and the per-host politeness of `PoliteFetcher`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from parley.contracts.scraper.jobs import ScrapeRequested, ScrapeSource
from parley.runtime.outbound import OutboundPolicy
from parley.scraper.adapters import robots as robots_txt
from parley.scraper.adapters.pacing import Pace
from parley.scraper.adapters.sources import Unit
from parley.scraper.adapters.web_fetch import FetchRefused, PoliteFetcher
from parley.scraper.domain.extract import Details, from_html
from parley.scraper.domain.job import site_urls
from parley.scraper.domain.leads import Candidate, host_of, region_of

MAX_CONTACT_PAGES = 3


class WebsiteContacts:
    name: ScrapeSource = "website"

    def __init__(
        self, policy: OutboundPolicy, *, user_agent: str, min_delay: float, timeout: float = 10.0
    ) -> None:
        self._policy = policy
        self._user_agent = user_agent
        self._min_delay = min_delay
        self._timeout = timeout

    async def units(self, job: ScrapeRequested, start: int, pace: Pace) -> AsyncIterator[Unit]:
        fetcher = PoliteFetcher(
            self._policy, self._user_agent, self._min_delay, timeout=self._timeout
        )
        for url in site_urls(job.query)[start:]:
            yield await self._site(fetcher, url, job.country, pace)

    async def _site(self, fetcher: PoliteFetcher, url: str, country: str, pace: Pace) -> Unit:
        host = host_of(url)
        try:
            robots = await self._robots(fetcher, url, pace)
        except FetchRefused as refused:
            return Unit(message=f"{host}: {refused.reason}", errors=1, error=refused.reason)
        details = Details()
        queue, done, disallowed, read = [url], {url}, 0, 0
        home = url
        while queue:
            page_url = queue.pop(0)
            if not robots.allowed(page_url):
                disallowed += 1
                continue
            try:
                page = await fetcher.get(page_url, pace)
            except FetchRefused as refused:
                if page_url == url:
                    return Unit(message=f"{host}: {refused.reason}", errors=1, error=refused.reason)
                continue
            if page.status != 200:
                if page_url == url:
                    reason = f"the home page answered HTTP {page.status}"
                    return Unit(message=f"{host}: {reason}", errors=1, error=reason)
                continue
            read += 1
            found = from_html(page.text, page.url, country)
            details.merge(found)
            if page_url == url:
                home = page.url
                for link in found.links:
                    if link not in done and len(done) <= MAX_CONTACT_PAGES:
                        done.add(link)
                        queue.append(link)
        message = _message(host, read, disallowed, details)
        if not details.best_phone and not details.emails:
            return Unit(message=message)
        phone = details.best_phone
        candidate = Candidate(
            provider="website",
            provider_id=host,
            name=(details.name or host)[:256],
            phone=phone,
            email=(details.emails or [""])[0][:320],
            website=home[:500],
            country=region_of(phone) or country,
        )
        return Unit(candidates=[candidate], message=message)

    async def _robots(self, fetcher: PoliteFetcher, url: str, pace: Pace) -> robots_txt.Robots:
        parts = urlsplit(url)
        page = await fetcher.get(f"{parts.scheme}://{parts.netloc}/robots.txt", pace)
        if page.status == 200:
            robots = robots_txt.parse_robots(page.text)
        elif 400 <= page.status < 500:
            robots = robots_txt.allow_all()
        else:
            robots = robots_txt.unavailable()
        if robots.crawl_delay:
            fetcher.ask_delay(parts.hostname or "", robots.crawl_delay)
        return robots


def _message(host: str, read: int, disallowed: int, details: Details) -> str:
    parts = [f"{host}: {read} page{'s' if read != 1 else ''} read"]
    if disallowed:
        parts.append(f"{disallowed} disallowed by robots.txt and skipped")
    if details.whatsapp:
        parts.append("WhatsApp link found")
    elif not details.best_phone and not details.emails:
        parts.append("no contact details found")
    return ", ".join(parts)
