"""What every lead source gives the job runner: units (a page of results, one profile, one
site), each with the businesses it found and a progress message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from parley.contracts.scraper.jobs import ScrapeRequested, ScrapeSource
from parley.scraper.adapters.pacing import Pace
from parley.scraper.domain.leads import Candidate


@dataclass
class Unit:
    candidates: list[Candidate] = field(default_factory=list)
    message: str = ""
    errors: int = 0
    error: str = ""  # why this unit failed, when it did (said in progress; a lone site's reason)


class SourceFailed(Exception):
    """The source cannot go on (key refused, quota exhausted after retries): the job fails
    with this reason, which says what to do."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Source(Protocol):
    name: ScrapeSource

    def units(self, job: ScrapeRequested, start: int, pace: Pace) -> AsyncIterator[Unit]:
        """The job's units from number `start` (those before were done before a restart)."""
        ...
