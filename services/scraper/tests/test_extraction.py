"""Contact extraction, phone normalization, dedupe keys, robots.txt reading and the start
checks: pure functions, no I/O."""

from __future__ import annotations

from parley.contracts.scraper.jobs import StartScrape
from parley.scraper.adapters.robots import parse_robots
from parley.scraper.domain.extract import from_html, from_text, whatsapp_number
from parley.scraper.domain.job import check_start, site_urls, usernames
from parley.scraper.domain.leads import Candidate, dedupe_key, lead_id_for, normalize_phone
from parley.scraper.testing.fixture_site import CONTACT, HOME


def test_numbers_are_normalized_to_e164_with_the_region() -> None:
    assert normalize_phone("21 345 6789", "PT") == "+351213456789"
    assert normalize_phone("+351 21 345 6789") == "+351213456789"
    assert normalize_phone("21 345 6789") == ""  # national notation needs a region
    assert normalize_phone("12", "PT") == ""


def test_whatsapp_links_are_the_strongest_signal() -> None:
    assert whatsapp_number("https://wa.me/351912000111") == "+351912000111"
    assert whatsapp_number("https://api.whatsapp.com/send?phone=351912000111&text=hi") == (
        "+351912000111"
    )
    assert whatsapp_number("https://example.com/351912000111") == ""
    found = from_html(CONTACT, "https://estrela.example.pt/contacto", "PT")
    assert found.whatsapp == ["+351912000111"]
    assert found.best_phone == "+351912000111"
    assert "+351213456780" in found.phones
    assert found.emails == ["encomendas@estrela.example.pt"]


def test_contact_links_stay_on_the_site() -> None:
    found = from_html(HOME, "https://estrela.example.pt/", "PT")
    assert found.name == "Padaria Estrela"
    assert found.links == [
        "https://estrela.example.pt/contacto",
        "https://estrela.example.pt/about",
        "https://estrela.example.pt/impressum",
    ]


def test_biography_text() -> None:
    found = from_text("Encomendas: wa.me/351912345678 · Tel. 22 123 4567 · a@b.pt", "PT")
    assert found.whatsapp == ["+351912345678"]
    assert "+351221234567" in found.phones
    assert found.emails == ["a@b.pt"]


def test_dedupe_key_prefers_the_number_then_the_provider_id() -> None:
    with_phone = Candidate(provider="google_places", provider_id="ChIJ1", phone="+351213456789")
    other_listing = Candidate(provider="website", provider_id="x.pt", phone="+351213456789")
    assert dedupe_key(with_phone) == dedupe_key(other_listing) == "phone:+351213456789"
    assert dedupe_key(Candidate(provider="instagram", provider_id="Cafe")) == "instagram:cafe"
    assert lead_id_for("ws1", "phone:+1") == lead_id_for("ws1", "phone:+1")
    assert lead_id_for("ws1", "phone:+1") != lead_id_for("ws2", "phone:+1")


def test_robots_disallow_and_a_decimal_crawl_delay() -> None:
    robots = parse_robots(
        "User-agent: *\nDisallow: /impressum\nCrawl-delay: 0.5\n\nUser-agent: ParleyBot\n"
        "Disallow: /private\nCrawl-delay: 2\n"
    )
    assert robots.crawl_delay == 2.0  # the group naming ParleyBot wins
    assert not robots.allowed("https://x.pt/private/a")
    assert robots.allowed("https://x.pt/impressum")  # ParleyBot has its own group
    general = parse_robots("User-agent: *\nDisallow: /impressum\nCrawl-delay: 0.5\n")
    assert general.crawl_delay == 0.5
    assert not general.allowed("https://x.pt/impressum")
    assert general.allowed("https://x.pt/contacto")


def _start(source: str, query: str) -> StartScrape:
    return StartScrape(job_id="job-1", source=source, query=query)  # type: ignore[arg-type]


def test_start_checks_name_the_field_and_the_setting() -> None:
    [missing] = check_start(_start("google_places", "bakery"), {"google_places": "GOOGLE_X"})
    assert (missing.code, missing.field) == ("SOURCE_NOT_CONFIGURED", "source")
    assert "GOOGLE_X" in missing.rule
    [bad] = check_start(_start("instagram", "good.name, bad/name"), {})
    assert bad.field == "query"
    assert "bad/name" in bad.rule
    [site] = check_start(_start("website", "ftp://x.pt"), {})
    assert "not a website address" in site.rule
    assert check_start(_start("website", "estrela.example.pt, https://b.pt"), {}) == []
    assert site_urls("a.pt, https://b.pt\nc.pt") == ["https://a.pt", "https://b.pt", "https://c.pt"]
    assert usernames("@Cafe_Porto, padaria.lisboa") == ["cafe_porto", "padaria.lisboa"]
