"""Every metric a Grafana dashboard or a Prometheus alert reads exists in the `/metrics` of a
running service: all seven are started as processes (real NATS and PostgreSQL from the test
session), each one's page is scraped once its JetStream figures are in, and every name the
expressions select (tests/deploy/promql.py) must be declared there. `up` is exempt: Prometheus
itself writes it for every target."""

from __future__ import annotations

import json
import re
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
import yaml

from parley.runtime.embedded import free_port
from parley.runtime.testing.plugin import eventually
from parley.runtime.testing.service_process import service_process

from .paths import DASHBOARDS, PROMETHEUS, SERVICES, module_of
from .promql import metric_selectors

pytestmark = pytest.mark.e2e

PROMETHEUS_OWN = {"up"}
_TYPE = re.compile(r"^# TYPE (\S+) (\S+)$", re.MULTILINE)


def expressions() -> dict[str, str]:
    """Where each expression comes from -> the expression."""
    found: dict[str, str] = {}
    for dashboard in sorted(DASHBOARDS.glob("*.json")):
        for panel in json.loads(dashboard.read_text())["panels"]:
            for target in panel["targets"]:
                found[f"{dashboard.name}: {panel['title']} {target['refId']}"] = target["expr"]
    for group in yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"]:
        for rule in group["rules"]:
            found[f"alerts.yml: {rule['alert']}"] = rule["expr"]
    return found


def exposed(page: str) -> set[str]:
    """Series names a /metrics page declares, with a histogram's _bucket, _count and _sum."""
    names: set[str] = set()
    for name, kind in _TYPE.findall(page):
        names.add(name)
        if kind in ("histogram", "summary"):
            names |= {f"{name}_bucket", f"{name}_count", f"{name}_sum"}
    return names


def tails(logs: Path) -> dict[str, str]:
    return {log.name: log.read_text(errors="replace")[-2000:] for log in logs.glob("*.log")}


def test_the_promql_reader_finds_names_and_skips_functions_and_labels() -> None:
    names, regexes = metric_selectors(
        'histogram_quantile(0.95, sum by (le, input) (rate(a_seconds_bucket{x="y"}[5m])))'
        ' / on (job) group_left max({__name__=~"b_.+_c", z!="w"}) > 0.5 offset 1h'
    )
    assert names == {"a_seconds_bucket"}
    assert regexes == {"b_.+_c"}


# Seven processes start on a 2-core machine: about 20 s alone, much longer beside other work.
@pytest.mark.timeout(300)
async def test_every_metric_the_dashboards_and_alerts_read_is_exposed(
    nats_url: str, database_url: str, tmp_path: Path
) -> None:
    ports = {service: free_port() for service in SERVICES}
    with ExitStack() as processes:
        for service, port in ports.items():
            env = {"HEALTH_PORT": str(port)}
            if service == "gateway":
                env["HTTP_PORT"] = str(free_port())
            processes.enter_context(
                service_process(
                    module_of(service), nats_url, database_url, tmp_path / f"{service}.log", **env
                )
            )
        pages: dict[str, str] = {}
        async with httpx.AsyncClient(timeout=5) as client:

            async def scraped() -> bool:
                for service, port in ports.items():
                    try:
                        ready = await client.get(f"http://127.0.0.1:{port}/readyz")
                        page = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
                    except httpx.TransportError:
                        return False
                    # Ready, and the first JetStream refresh (right after start) is in.
                    prefix = "parley_" + service.replace("-", "_")
                    if ready.status_code != 200 or f"{prefix}_stream_messages{{" not in page:
                        return False
                    pages[service] = page
                return True

            try:
                await eventually(scraped, timeout=240, interval=0.5)
            except AssertionError:
                raise AssertionError(f"not every service came up: {tails(tmp_path)}") from None

    available = set().union(*(exposed(page) for page in pages.values()))
    missing = []
    for where, expr in expressions().items():
        names, regexes = metric_selectors(expr)
        missing += [f"{where}: {n}" for n in names - available - PROMETHEUS_OWN]
        missing += [
            f"{where}: {r}" for r in regexes if not any(re.fullmatch(r, n) for n in available)
        ]
    assert not missing, "\n".join(missing)
