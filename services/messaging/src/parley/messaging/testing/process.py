"""The messaging service as a real OS process, for e2e tests and benchmarks."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from parley.runtime.testing.service_process import service_process


@contextmanager
def messaging_process(
    nats_url: str, database_url: str, api_base_url: str, log: Path, **env: str
) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m parley.messaging` against the given servers; stopped (SIGTERM) on exit."""
    with service_process(
        "parley.messaging", nats_url, database_url, log, WHATSAPP_API_BASE_URL=api_base_url, **env
    ) as process:
        yield process
