"""The billing service as a real OS process, for e2e tests and benchmarks."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from parley.runtime.testing.service_process import service_process


@contextmanager
def billing_process(
    nats_url: str, database_url: str, log: Path, **env: str
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m parley.billing` against the given servers; stopped (SIGTERM) on exit unless
    the test already ended it."""
    with service_process("parley.billing", nats_url, database_url, log, **env) as process:
        yield process
