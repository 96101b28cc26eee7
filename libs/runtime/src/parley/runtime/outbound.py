"""The outbound-address guard for URLs that tenants control (HTTP node, knowledge-base URLs,
website scraping).

A tenant's URL must not reach our own network: loopback services, the cloud metadata endpoint
(169.254.169.254), private ranges, or anything else that is not globally routable. The host is
resolved here and every address it resolves to is checked; callers connect to the returned
addresses, not to the name again, so a DNS answer that changes between the check and the
connection (rebinding) cannot slip a private address in. Tricks such as `http://2130706433/`,
`http://0x7f.1/` or `[::ffff:127.0.0.1]` resolve to loopback and are refused like `127.0.0.1`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]


class OutboundRefused(ValueError):
    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class OutboundPolicy:
    # Self-hosters calling their own intranet may allow private addresses; off by default.
    allow_private: bool = False
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)  # exact host names
    resolve_timeout: float = 3.0


@dataclass(frozen=True)
class VettedTarget:
    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]  # connect to these, never re-resolve the host


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


async def vet_url(
    url: str, policy: OutboundPolicy = OutboundPolicy(), *, resolver: Resolver = system_resolver
) -> VettedTarget:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise OutboundRefused(url, "only http:// and https:// URLs can be called")
    if parts.username is not None or parts.password is not None:
        raise OutboundRefused(url, "credentials in the URL are not allowed; use a header")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise OutboundRefused(url, "the URL has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise OutboundRefused(url, "the port is not a number from 1 to 65535") from None
    try:
        addresses = await asyncio.wait_for(resolver(host, port), policy.resolve_timeout)
    except (OSError, TimeoutError):
        raise OutboundRefused(url, f"the host {host!r} could not be resolved") from None
    if not addresses:
        raise OutboundRefused(url, f"the host {host!r} has no address")
    if not (policy.allow_private or host in policy.allowed_hosts):
        for address in addresses:
            problem = _address_problem(address)
            if problem is not None:
                raise OutboundRefused(url, f"{host!r} resolves to {address}, {problem}")
    return VettedTarget(url, parts.scheme, host, port, tuple(addresses))


def _address_problem(raw: str) -> str | None:
    address: IPAddress = ipaddress.ip_address(raw.split("%")[0])  # drop an IPv6 zone id
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "a loopback address: calls to this machine are refused"
    if address.is_link_local:
        return "a link-local address (such as the cloud metadata service): refused"
    if address.is_private:
        return "a private network address: refused unless configuration allows private targets"
    if address.is_multicast or address.is_reserved or address.is_unspecified:
        return "not an address a request can go to"
    if not address.is_global:
        return "not a public internet address: refused"
    return None
