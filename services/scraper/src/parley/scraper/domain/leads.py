"""What a source found, normalized: numbers in E.164, and the key that makes a lead the same
lead in every run of the workspace.

The dedupe key is the strongest identity the lead has: its E.164 number (two listings of one
business share it), else the provider's own id (a place id, an Instagram username), else its
website's host or its e-mail. Lead ids derive from the workspace and the key, so the same lead
always has the same id, and a retried publication or reservation counts once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

import phonenumbers


@dataclass(frozen=True)
class Candidate:
    """One business as a source reported it, before deduplication."""

    provider: str  # google_places, instagram, website
    provider_id: str  # place id, username, site host
    name: str = ""
    phone: str = ""  # E.164, or "" when none could be normalized
    email: str = ""
    website: str = ""
    address: str = ""
    category: str = ""
    country: str = ""  # region of the number, when known


def normalize_phone(raw: str, region: str = "") -> str:
    """E.164 for a valid number, else "". A number without '+' needs the region."""
    text = raw.strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region.upper() or None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_of(e164: str) -> str:
    """The ISO region of an E.164 number ("" when unknown)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.region_code_for_number(number) or ""


def host_of(url: str) -> str:
    host = (urlsplit(url if "://" in url else f"https://{url}").hostname or "").lower()
    return host.removeprefix("www.")


def dedupe_key(candidate: Candidate) -> str:
    if candidate.phone:
        return f"phone:{candidate.phone}"
    if candidate.provider_id:
        return f"{candidate.provider}:{candidate.provider_id.lower()}"
    if candidate.website:
        return f"site:{host_of(candidate.website)}"
    if candidate.email:
        return f"email:{candidate.email.lower()}"
    return ""


def lead_id_for(workspace_id: str, key: str) -> str:
    digest = hashlib.sha256(f"{workspace_id}\n{key}".encode()).hexdigest()[:24]
    return f"lead-{digest}"
