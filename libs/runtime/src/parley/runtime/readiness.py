"""Readiness: named async checks, run together, each bounded by a timeout.

A check returns a short detail when it passes and raises `NotReady` (or anything else) when it
does not. A hung dependency must not hang the probe, so every check gets its own deadline, and a
failing check never hides the others: the report lists each one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from parley.contracts.system import HealthCheck

Check = Callable[[], Awaitable[str]]


class NotReady(Exception):
    """Raised by a check with the reason, e.g. `not connected yet`."""


@dataclass(frozen=True)
class Readiness:
    checks: tuple[HealthCheck, ...]

    @property
    def ready(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    @property
    def failing(self) -> tuple[HealthCheck, ...]:
        return tuple(check for check in self.checks if not check.ok)

    def as_json(self) -> dict[str, object]:
        return {
            "ready": self.ready,
            "failing": [check.name for check in self.failing],
            "checks": [check.model_dump() for check in self.checks],
        }


async def _run_one(name: str, check: Check, timeout: float) -> HealthCheck:
    try:
        detail = await asyncio.wait_for(check(), timeout)
    except TimeoutError:
        return HealthCheck(name=name, ok=False, detail=f"no answer within {timeout:g}s")
    except Exception as exc:  # noqa: BLE001 - a probe reports failures, never raises them
        return HealthCheck(name=name, ok=False, detail=str(exc) or type(exc).__name__)
    return HealthCheck(name=name, ok=True, detail=detail)


async def evaluate(checks: Mapping[str, Check], *, timeout: float = 2.0) -> Readiness:
    results = await asyncio.gather(
        *(_run_one(name, check, timeout) for name, check in checks.items())
    )
    return Readiness(checks=tuple(results))
