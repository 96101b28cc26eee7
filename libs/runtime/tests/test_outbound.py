"""The outbound-address guard: tenants' URLs never reach our own network."""

from __future__ import annotations

import socket

import pytest

from parley.runtime.outbound import OutboundPolicy, OutboundRefused, vet_url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/admin", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://localhost/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://2130706433/", "loopback"),  # 127.0.0.1 as one decimal number
        ("http://0x7f.1/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("https://192.168.0.10/", "private"),
        ("http://172.16.5.5/", "private"),
        ("http://100.64.1.1/", "not a public internet address"),  # carrier-grade NAT
        ("http://0.0.0.0/", "private"),
        ("http://224.0.0.1/", "not an address a request can go to"),
        ("ftp://93.184.216.34/", "only http:// and https://"),
        ("file:///etc/passwd", "only http:// and https://"),
        ("http://user:pw@93.184.216.34/", "credentials in the URL"),
        ("http:///path", "no host"),
        ("http://93.184.216.34:99999/", "port"),
    ],
)
async def test_refused_targets_name_the_rule(url: str, reason: str) -> None:
    with pytest.raises(OutboundRefused) as refused:
        await vet_url(url)
    assert reason in refused.value.reason


async def test_a_public_address_passes_and_is_pinned() -> None:
    target = await vet_url("https://93.184.216.34/orders?id=7")
    assert target.addresses == ("93.184.216.34",)
    assert target.port == 443


async def test_configuration_can_allow_private_targets() -> None:
    target = await vet_url("http://127.0.0.1:9000/hook", OutboundPolicy(allow_private=True))
    assert target.addresses == ("127.0.0.1",)
    allowed = OutboundPolicy(allowed_hosts=frozenset({"localhost"}))
    assert (await vet_url("http://localhost/", allowed)).host == "localhost"


async def test_every_resolved_address_is_checked_and_lookup_failures_are_clear() -> None:
    async def rebinding(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.7"]  # one public answer, one private

    with pytest.raises(OutboundRefused, match=r"10\.0\.0\.7"):
        await vet_url("http://shop.example/", resolver=rebinding)

    async def unknown(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(OutboundRefused, match="could not be resolved"):
        await vet_url("http://nowhere.example/", resolver=unknown)
