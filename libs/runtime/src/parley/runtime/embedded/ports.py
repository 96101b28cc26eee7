"""Free loopback ports and waiting for a child server to listen."""

from __future__ import annotations

import random
import socket
import subprocess
import time
from pathlib import Path

_LOWEST = 10_000
_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def ephemeral_range() -> tuple[int, int]:
    """The ports the kernel hands out as source ports of outgoing connections."""
    try:
        low, high = (int(part) for part in _EPHEMERAL_RANGE.read_text().split())
    except (OSError, ValueError):
        return 32768, 60999  # Linux's default
    return low, high


def free_port() -> int:
    """A free loopback port below the ephemeral range.

    A port chosen now is bound a moment later (and bound again after a restart); a port from the
    ephemeral range can be taken meanwhile as the source port of any outgoing connection, such as
    a service's own connection to NATS or PostgreSQL. Below the range, only a server can take it.
    """
    low, _ = ephemeral_range()
    if low - _LOWEST > 100:
        for _ in range(200):
            port = random.randint(_LOWEST, low - 1)
            if bindable(port):
                return port
    with socket.socket() as sock:  # no room below the range: let the kernel choose
        sock.bind(("127.0.0.1", 0))
        chosen: int = sock.getsockname()[1]
        return chosen


def bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(
    port: int, timeout: float, *, process: subprocess.Popen[bytes] | None = None, what: str
) -> None:
    """Poll until something listens on the port, failing fast if the child process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before listening")
        if port_open(port):
            return
        time.sleep(0.02)
    raise TimeoutError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f}s")
