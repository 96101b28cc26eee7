"""aiohttp connections to the addresses the outbound-address guard vetted, and nowhere else.

`vet_url` resolves a tenant's host once and checks every address; a connector built here
answers aiohttp's lookups with exactly those addresses, whatever DNS says by the time the
connection is made, so a rebinding answer cannot slip a private address in between the check
and the connect. The host name still goes out as the TLS server name and Host header.
"""

from __future__ import annotations

import socket

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from parley.runtime.outbound import VettedTarget


class PinnedResolver(AbstractResolver):
    """Answers only with the addresses the guard vetted, whatever DNS says now."""

    def __init__(self, target: VettedTarget) -> None:
        self._target = target

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self._target.addresses
        ]

    async def close(self) -> None:
        return None


def pinned_connector(target: VettedTarget) -> aiohttp.TCPConnector:
    """A connector for one vetted target (no DNS cache: nothing but the pinned answer)."""
    return aiohttp.TCPConnector(resolver=PinnedResolver(target), use_dns_cache=False)
