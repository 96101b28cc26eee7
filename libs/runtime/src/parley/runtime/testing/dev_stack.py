"""`parley dev` as a test drives it: the whole system as processes on free ports.

Used by the e2e tests: start the stack (NATS, PostgreSQL, every service, the gateway's public
port), wait until every service is ready, stop it with SIGTERM and check that nothing is left.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil  # type: ignore[import-untyped]

from parley.runtime.embedded import free_port
from parley.runtime.embedded.ports import bindable, ephemeral_range
from parley.runtime.testing.plugin import eventually

PARLEY = str(Path(sys.executable).with_name("parley"))
SERVICES = 7


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
    http_port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)  # extra settings for every service

    @classmethod
    def on_free_ports(cls, root: Path, **env: str) -> Stack:
        return cls(
            data_dir=root / "data",
            log=root / "dev.log",
            nats_port=free_port(),
            pg_port=free_port(),
            health_base=free_port_range(SERVICES),
            env=dict(env),
        )

    @property
    def api_url(self) -> str:
        """The gateway's public HTTP address."""
        return f"http://127.0.0.1:{self.http_port}"

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
        env.update(self.env)
        env["HTTP_PORT"] = str(self.http_port)
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
            await eventually(ready, timeout=120, interval=0.2)
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
