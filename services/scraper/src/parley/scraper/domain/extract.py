"""Contact details in a business's web page or profile text: phones, e-mails, WhatsApp links.

A wa.me or api.whatsapp.com/send?phone= link is the strongest WhatsApp signal (the business put
it there to be messaged), then a tel: link, then a number written in the text. Numbers are
normalized with the job's region; without one only numbers written with '+' are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import phonenumbers
from bs4 import BeautifulSoup

from parley.scraper.domain.leads import host_of, normalize_phone

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,24}")
_CONTACT_WORDS = re.compile(
    r"contact|kontakt|contato|contacto|contatti|about|sobre|impressum|imprint|quem-somos",
    re.IGNORECASE,
)
_WA_HOSTS = frozenset({"wa.me", "api.whatsapp.com", "whatsapp.com", "web.whatsapp.com"})
MAX_TEXT = 200_000  # characters of page text searched for numbers


@dataclass
class Details:
    whatsapp: list[str] = field(default_factory=list)  # E.164 from wa.me links
    phones: list[str] = field(default_factory=list)  # E.164 from tel: links, then text
    emails: list[str] = field(default_factory=list)
    name: str = ""
    links: list[str] = field(default_factory=list)  # likely contact pages, same host

    def merge(self, other: Details) -> None:
        for mine, theirs in (
            (self.whatsapp, other.whatsapp),
            (self.phones, other.phones),
            (self.emails, other.emails),
        ):
            mine.extend(x for x in theirs if x not in mine)
        self.name = self.name or other.name

    @property
    def best_phone(self) -> str:
        return (self.whatsapp or self.phones or [""])[0]


def whatsapp_number(href: str) -> str:
    """The number of a wa.me/<digits> or api.whatsapp.com/send?phone=<digits> link, else ""."""
    parts = urlsplit(href.strip())
    host = (parts.hostname or "").lower()
    if host not in _WA_HOSTS:
        return ""
    if host == "wa.me":
        digits = re.sub(r"\D", "", parts.path)
    else:
        digits = re.sub(r"\D", "", (parse_qs(parts.query).get("phone") or [""])[0])
    return normalize_phone(f"+{digits}") if digits else ""


def from_text(text: str, region: str) -> Details:
    """Numbers, e-mails and WhatsApp links written in free text (an Instagram biography)."""
    found = Details()
    for token in re.findall(r"(?:https?://)?(?:wa\.me|api\.whatsapp\.com)/\S+", text):
        number = whatsapp_number(token if "://" in token else f"https://{token}")
        _add(found.whatsapp, number)
    found.emails.extend(dict.fromkeys(m.lower() for m in _EMAIL.findall(text)))
    for number in _numbers_in(text, region):
        _add(found.phones, number)
    return found


def from_html(html: str, base_url: str, region: str) -> Details:
    soup = BeautifulSoup(html, "html.parser")
    found = Details(name=_site_name(soup))
    base_host = host_of(base_url)
    for anchor in soup.find_all("a", href=True):
        href = str(anchor["href"]).strip()
        lowered = href.lower()
        if lowered.startswith("tel:"):
            _add(found.phones, normalize_phone(unquote(href[4:]), region))
        elif lowered.startswith("mailto:"):
            address = unquote(href[7:]).split("?", 1)[0].strip().lower()
            if _EMAIL.fullmatch(address):
                _add(found.emails, address)
        elif number := whatsapp_number(href):
            _add(found.whatsapp, number)
        elif _CONTACT_WORDS.search(href) or _CONTACT_WORDS.search(anchor.get_text(" ")):
            absolute = urljoin(base_url, href).split("#", 1)[0]
            if urlsplit(absolute).scheme in ("http", "https") and host_of(absolute) == base_host:
                _add(found.links, absolute)
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    text = soup.get_text(" ")[:MAX_TEXT]
    for address in _EMAIL.findall(text):
        _add(found.emails, address.lower())
    for number in _numbers_in(text, region):
        _add(found.phones, number)
    return found


def _numbers_in(text: str, region: str) -> list[str]:
    matcher = phonenumbers.PhoneNumberMatcher(text, region.upper() or "ZZ")
    out: list[str] = []
    for match in matcher:
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number(match.number):
            _add(out, number)
    return out


def _site_name(soup: BeautifulSoup) -> str:
    meta = soup.find("meta", attrs={"property": "og:site_name"})
    if meta is not None and meta.get("content"):
        return str(meta["content"]).strip()[:256]
    if soup.title is not None and soup.title.string:
        return soup.title.string.strip()[:256]
    return ""


def _add(items: list[str], value: str) -> None:
    if value and value not in items:
        items.append(value)
