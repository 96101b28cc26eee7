"""robots.txt as RFC 9309 reads it, for the user agent "ParleyBot".

Allow/Disallow come from urllib.robotparser. Crawl-delay is read here, because robotparser only
understands whole seconds. A robots.txt that does not exist (4xx) allows everything; one that
cannot be read (5xx, unreachable) disallows everything for now, as the RFC says.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

AGENT = "ParleyBot"


@dataclass
class Robots:
    parser: RobotFileParser | None  # None: everything allowed
    crawl_delay: float = 0.0
    disallow_all: bool = False

    def allowed(self, url: str) -> bool:
        if self.disallow_all:
            return False
        return self.parser is None or self.parser.can_fetch(AGENT, url)


def parse_robots(text: str) -> Robots:
    parser = RobotFileParser()
    lines = text.splitlines()
    parser.parse(lines)
    return Robots(parser=parser, crawl_delay=_crawl_delay(lines))


def allow_all() -> Robots:
    return Robots(parser=None)


def unavailable() -> Robots:
    return Robots(parser=None, disallow_all=True)


def _crawl_delay(lines: list[str]) -> float:
    """The Crawl-delay of the group naming ParleyBot, else of `*`; decimals allowed."""
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
            continue
        in_rules = True
        if key == "crawl-delay":
            try:
                seconds = float(value)
            except ValueError:
                continue
            for agent in agents:
                delays.setdefault(agent, seconds)
    mine = AGENT.lower()
    for agent, seconds in delays.items():
        if agent != "*" and agent in mine:
            return seconds
    return delays.get("*", 0.0)
