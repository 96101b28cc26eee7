"""The service images' Dockerfile, checked without a Docker engine (there is none here): each
service has its own target, multi-stage from pinned slim bases, non-root, with a health check on
its own health port and `python -m parley.<module>` as entry point. Plus the health-check script
itself, run for real against a health server."""

from __future__ import annotations

import asyncio
import importlib
import json
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest
from dockerfile_parse import DockerfileParser

from parley.runtime.embedded import free_port
from parley.runtime.health import HealthServer
from parley.runtime.readiness import Readiness
from parley.runtime.settings import ServiceSettings

from .paths import DEPLOY, DOCKERFILE, HEALTH_PORTS, ROOT, SERVICES, module_of


def stages() -> dict[str, list[dict[str, str]]]:
    """Instructions of each named stage, in order (FROM included)."""
    found: dict[str, list[dict[str, str]]] = {}
    current: list[dict[str, str]] = []
    for instruction in DockerfileParser(path=str(DOCKERFILE)).structure:
        if instruction["instruction"] == "FROM":
            parts = instruction["value"].split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else f"#{len(found)}"
            current = found.setdefault(name, [])
        if instruction["instruction"] != "COMMENT":
            current.append(
                {"instruction": instruction["instruction"], "value": instruction["value"]}
            )
    return found


def effective(stage: str, instruction: str) -> list[str]:
    """Values of `instruction` in `stage` and the stages it is built FROM, base first."""
    all_stages = stages()
    chain: list[str] = []
    name: str | None = stage
    while name in all_stages:
        chain.insert(0, name)
        parent = all_stages[name][0]["value"].split()[0]
        name = parent if parent in all_stages else None
    return [i["value"] for s in chain for i in all_stages[s] if i["instruction"] == instruction]


def settings_class(service: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"{module_of(service)}.settings")
    [cls] = [
        v
        for v in vars(module).values()
        if isinstance(v, type)
        and issubclass(v, ServiceSettings)
        and v is not ServiceSettings
        and v.__module__ == module.__name__
    ]
    return cls


def test_every_service_has_its_own_target() -> None:
    assert set(SERVICES) <= set(stages())


def test_the_health_ports_are_the_services_own() -> None:
    for service in SERVICES:
        default = settings_class(service).model_fields["health_port"].default
        assert HEALTH_PORTS[service] == default, service


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_target_is_slim_non_root_checked_and_runs_its_module(service: str) -> None:
    env = " ".join(effective(service, "ENV"))
    assert f"HEALTH_PORT={HEALTH_PORTS[service]}" in env
    assert "HEALTH_HOST=0.0.0.0" in env  # the probes and Prometheus come from outside
    users = effective(service, "USER")
    assert users, f"{service} runs as root"
    assert users[-1].split(":")[0] not in ("root", "0")
    [healthcheck] = effective(service, "HEALTHCHECK")
    assert "parley-healthcheck" in healthcheck
    [entrypoint] = effective(service, "ENTRYPOINT")
    assert json.loads(entrypoint) == ["python", "-m", module_of(service)]
    base = stages()["runtime"][0]["value"]
    assert base.startswith("${PYTHON_IMAGE}")


def test_multi_stage_from_pinned_bases() -> None:
    parser = DockerfileParser(path=str(DOCKERFILE))
    args = {
        a.split("=", 1)[0]: a.split("=", 1)[1]
        for a in (i["value"] for i in parser.structure if i["instruction"] == "ARG")
        if "=" in a
    }
    assert args["PYTHON_IMAGE"] == "python:3.11-slim"
    external = [args.get(p.strip("${}"), p) for p in parser.parent_images if p not in stages()]
    assert {"python:3.11-slim", "node:22-slim"} <= set(external)
    for image in external:
        tag = image.partition(":")[2]
        assert tag not in ("", "latest"), image
    # A builder installs; the runtime copies the venv and has no build tools of its own.
    runtime = [i["value"] for i in stages()["runtime"] if i["instruction"] in ("COPY", "RUN")]
    assert any("--from=builder /opt/venv" in v for v in runtime)
    assert not any("pip install" in v for v in runtime)
    builder = " ".join(i["value"] for i in stages()["builder"] if i["instruction"] == "RUN")
    assert "-r requirements-runtime.txt" in builder
    assert "--no-deps" in builder
    # The gateway carries the built web app and points WEB_DIST_DIR at it.
    gateway = " ".join(effective("gateway", "COPY") + effective("gateway", "ENV"))
    assert "--from=web" in gateway
    assert "WEB_DIST_DIR=/app/web" in gateway


def test_the_build_context_leaves_local_state_out() -> None:
    ignored = (DEPLOY / "docker" / "Dockerfile.dockerignore").read_text().split()
    assert {".git", ".venv", ".data", "web/node_modules"} <= set(ignored)
    copied = [
        i["value"]
        for i in DockerfileParser(path=str(DOCKERFILE)).structure
        if i["instruction"] == "COPY" and "--from" not in i["value"]
    ]
    for value in copied:
        source = value.split()[0]
        assert (ROOT / source).exists(), source


@pytest.fixture
async def health_port() -> AsyncIterator[int]:
    async def ready() -> Readiness:
        return Readiness(checks=())

    server = HealthServer(host="127.0.0.1", port=free_port(), readiness=ready, metrics=bytes)
    await server.start()
    try:
        yield server.port
    finally:
        await server.stop()


async def test_the_health_check_script_passes_on_a_live_service_and_fails_on_none(
    health_port: int,
) -> None:
    script = DEPLOY / "docker" / "healthcheck.py"

    def check(port: int) -> int:
        env = {"HEALTH_PORT": str(port), "PATH": "/usr/bin:/bin"}
        return subprocess.run([sys.executable, str(script)], env=env, timeout=10).returncode

    assert await asyncio.to_thread(check, health_port) == 0
    assert await asyncio.to_thread(check, free_port()) == 1
