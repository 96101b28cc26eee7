"""`parley dev` end to end: seven ready services, a clean stop, and a second boot on kept data."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nats
import psutil  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text

from parley.contracts.envelope import Envelope
from parley.contracts.system import HealthQuery
from parley.runtime.db import create_engine
from parley.runtime.embedded import free_port
from parley.runtime.embedded.ports import bindable, ephemeral_range
from parley.runtime.testing.plugin import eventually

pytestmark = pytest.mark.e2e

PARLEY = str(Path(sys.executable).with_name("parley"))
SERVICES = 7
MARKER_SUBJECT = "crm.evt.e2e.marker"


def free_port_range(count: int) -> int:
    """A base port with `count` free ports after it (the services' health ports), all below the
    ephemeral range so no outgoing connection takes one between the two boots."""
    low, _ = ephemeral_range()
    for _ in range(50):
        base = free_port()
        if base + count <= low and all(bindable(p) for p in range(base, base + count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports found")


@dataclass
class Stack:
    data_dir: Path
    log: Path
    nats_port: int
    pg_port: int
    health_base: int

    @property
    def nats_url(self) -> str:
        return f"nats://127.0.0.1:{self.nats_port}"

    @property
    def database_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/postgres"

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    @contextmanager
    def running(self) -> Iterator[subprocess.Popen[bytes]]:
        args = [
            PARLEY,
            "dev",
            "--data-dir",
            str(self.data_dir),
            "--nats-port",
            str(self.nats_port),
            "--pg-port",
            str(self.pg_port),
            "--health-port-base",
            str(self.health_base),
        ]
        env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "DATABASE_URL")}
        with self.log.open("ab") as out:
            dev = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            yield dev
        finally:
            # Only reached with processes left when the test already failed: leave no orphans.
            if dev.poll() is None:
                for process in psutil.Process(dev.pid).children(recursive=True):
                    process.kill()
                dev.kill()
                dev.wait()

    async def health(self) -> dict[str, object]:
        process = await asyncio.create_subprocess_exec(
            PARLEY,
            "health",
            "--json",
            "--nats-url",
            self.nats_url,
            "--timeout",
            "1",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        out, _ = await process.communicate()
        if not out.strip():
            return {"ok": False, "services": []}  # NATS not up yet
        report: dict[str, object] = json.loads(out)
        return report

    async def wait_all_ready(self, dev: subprocess.Popen[bytes]) -> dict[str, object]:
        last: dict[str, object] = {}

        async def ready() -> bool:
            nonlocal last
            assert dev.poll() is None, f"parley dev exited early:\n{self.log_tail()}"
            last = await self.health()
            return last["ok"] is True

        try:
            await eventually(ready, timeout=45, interval=0.2)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nlast health: {last}\n{self.log_tail()}") from None
        return last


def stop_and_assert_gone(dev: subprocess.Popen[bytes], stack: Stack) -> None:
    tree = psutil.Process(dev.pid).children(recursive=True)
    assert len(tree) >= SERVICES + 3, "expected the shield, NATS, PostgreSQL and seven services"
    deadline = time.monotonic() + 10
    dev.send_signal(signal.SIGTERM)
    try:
        code = dev.wait(timeout=10)
    except subprocess.TimeoutExpired:
        log = stack.log_tail()
        raise AssertionError(f"parley dev still running 10 s after SIGTERM\n{log}") from None
    _, alive = psutil.wait_procs(tree, timeout=max(0.0, deadline - time.monotonic()))
    assert code == 0, stack.log_tail()
    assert not alive, f"still running after 10 s: {alive}"


async def marker_count(stack: Stack) -> int:
    nc = await nats.connect(stack.nats_url)
    try:
        info = await nc.jetstream().stream_info("CRM", subjects_filter=MARKER_SUBJECT)
        return info.state.messages
    finally:
        await nc.close()


async def postgres_identity(stack: Stack) -> tuple[int, int]:
    """The cluster's system identifier (new on every initdb) and how many service schemas exist."""
    engine = create_engine(stack.database_url)
    try:
        async with engine.connect() as conn:
            ident = (
                await conn.execute(text("SELECT system_identifier FROM pg_control_system()"))
            ).scalar_one()
            schemas = (
                await conn.execute(
                    text(
                        "SELECT count(*) FROM information_schema.schemata WHERE schema_name IN "
                        "('gateway', 'flow_engine', 'messaging', 'crm', 'billing', 'ai_rag', "
                        "'scraper')"
                    )
                )
            ).scalar_one()
        return int(ident), int(schemas)
    finally:
        await engine.dispose()


async def tail_shows_marker(stack: Stack) -> str:
    """`parley events tail --since` replays the stored marker, then stops cleanly on Ctrl-C."""
    process = await asyncio.create_subprocess_exec(
        PARLEY,
        "events",
        "tail",
        "crm.>",
        "--since",
        "1h",
        "--nats-url",
        stack.nats_url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), 20)
    finally:
        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), 10)
    assert code == 0
    return line.decode()


@pytest.fixture
def stack_dir() -> Iterator[Path]:
    """Outside pytest's tmp root: pytest re-chmods that root to 0700 at every session start,
    which would lock the unprivileged PostgreSQL user out of its data dir mid-test."""
    path = Path(tempfile.mkdtemp(prefix="parley-e2e-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


async def test_dev_stack_boots_stops_and_boots_again_on_its_data(stack_dir: Path) -> None:
    stack = Stack(
        data_dir=stack_dir / "data",
        log=stack_dir / "dev.log",
        nats_port=free_port(),
        pg_port=free_port(),
        health_base=free_port_range(SERVICES),
    )

    with stack.running() as dev:
        report = await stack.wait_all_ready(dev)
        services = report["services"]
        assert isinstance(services, list)
        assert sum(1 for s in services if s["status"] == "ready") == SERVICES
        nc = await nats.connect(stack.nats_url)
        marker = Envelope.wrap(HealthQuery(), workspace_id="e2e")
        await nc.jetstream().publish(MARKER_SUBJECT, marker.to_bytes())
        await nc.close()
        first_identity = await postgres_identity(stack)
        assert first_identity[1] == SERVICES  # every service created its schema
        stop_and_assert_gone(dev, stack)

    with stack.running() as dev:
        await stack.wait_all_ready(dev)
        assert await marker_count(stack) == 1
        assert await postgres_identity(stack) == first_identity
        line = await tail_shows_marker(stack)
        assert MARKER_SUBJECT in line
        assert "runtime.HealthQuery  ws=e2e" in line
        stop_and_assert_gone(dev, stack)

    assert "data reused" in stack.log.read_text()
