"""A Parley service as a real OS process, for e2e tests and benchmarks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from parley.runtime.embedded import free_port


@contextmanager
def service_process(
    module: str, nats_url: str, database_url: str, log: Path, **env: str
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m <module>` against the given servers, its output appended to `log`; stopped
    (SIGTERM) on exit unless the test already ended it."""
    environment = {
        **os.environ,
        "NATS_URL": nats_url,
        "DATABASE_URL": database_url,
        "HEALTH_PORT": str(free_port()),
        "PARLEY_ENV": "development",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
        **env,
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", module], env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(15)
