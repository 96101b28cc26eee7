"""`parley health`: every service instance's health report, gathered over NATS."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

import typer

from parley.contracts.system import HealthReport
from parley.runtime.cli.connection import DEFAULT_NATS_URL, NatsUrl, Unreachable, connected
from parley.runtime.cli.output import duration, table
from parley.runtime.cli.roster import SERVICES
from parley.runtime.discovery import gather_health

Status = Literal["ready", "not ready", "down"]


@dataclass(frozen=True)
class ServiceHealth:
    service: str
    instances: tuple[HealthReport, ...]

    @property
    def status(self) -> Status:
        """Ready only when some instance answered and every instance that did is ready."""
        if not self.instances:
            return "down"
        return "ready" if all(i.ready for i in self.instances) else "not ready"


def summarize(
    reports: Sequence[HealthReport], expected: Sequence[str] = SERVICES
) -> list[ServiceHealth]:
    """Expected services first (in order, missing ones down), then any others that answered."""
    names = [*expected, *sorted({r.service for r in reports} - set(expected))]
    return [
        ServiceHealth(
            name,
            tuple(sorted((r for r in reports if r.service == name), key=lambda r: r.instance_id)),
        )
        for name in names
    ]


def all_ready(services: Sequence[ServiceHealth], expected: Sequence[str] = SERVICES) -> bool:
    return all(s.status == "ready" for s in services if s.service in expected)


def render_table(services: Sequence[ServiceHealth]) -> str:
    rows: list[list[str]] = []
    for health in services:
        if not health.instances:
            rows.append([health.service, "-", "-", "DOWN", "-", "no instance answered"])
        for report in health.instances:
            failing = "; ".join(f"{c.name}: {c.detail}" for c in report.checks if not c.ok)
            rows.append(
                [
                    health.service,
                    report.instance_id,
                    report.version,
                    "yes" if report.ready else "NO",
                    duration(report.uptime_seconds),
                    failing,
                ]
            )
    return table(["SERVICE", "INSTANCE", "VERSION", "READY", "UPTIME", "DETAIL"], rows)


def render_json(services: Sequence[ServiceHealth]) -> str:
    return json.dumps(
        {
            "ok": all_ready(services),
            "services": [
                {
                    "service": s.service,
                    "status": s.status,
                    "instances": [r.model_dump(mode="json") for r in s.instances],
                }
                for s in services
            ],
        },
        indent=2,
    )


def health(
    nats_url: NatsUrl = DEFAULT_NATS_URL,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for replies.")] = 2.0,
) -> None:
    """Ask every service over NATS how it is; exit 0 only if all seven are ready."""
    try:
        reports = asyncio.run(_gather(nats_url, timeout))
    except Unreachable as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    services = summarize(reports)
    typer.echo(render_json(services) if as_json else render_table(services))
    raise typer.Exit(0 if all_ready(services) else 1)


async def _gather(url: str, timeout: float) -> list[HealthReport]:
    async with connected(url) as nc:
        reports, unreadable = await gather_health(nc, timeout=timeout)
    for reply in unreadable:
        typer.echo(f"ignored a reply that is not a health report: {reply}", err=True)
    return reports
