"""The service's NATS connection: reconnects forever, logs its state changes, drains on stop."""

from __future__ import annotations

from nats.aio.client import Client as NatsClient

from parley.runtime.logs import get_logger

log = get_logger("parley.runtime.nats")


def new_client() -> NatsClient:
    # Created before connecting, so a stop that arrives mid-connect can still close it.
    return NatsClient()


def servers(url: str) -> list[str]:
    """NATS_URL may list a cluster's nodes, comma separated; nats-py wants them as a list (it
    would read the whole string as one address)."""
    return [part.strip() for part in url.split(",") if part.strip()]


async def connect(nc: NatsClient, url: str, *, name: str) -> None:
    """Connect, retrying without end: a service started before NATS waits for it, not-ready.
    With several servers the client moves to another one when its server goes away."""

    async def on_error(exc: Exception) -> None:
        log.warning("nats error", error=str(exc) or type(exc).__name__)

    async def on_disconnected() -> None:
        if not nc.is_closed:  # our own drain/close also ends in this callback
            log.warning("nats disconnected, reconnecting")

    async def on_reconnected() -> None:
        log.info("nats reconnected", url=_url(nc))

    await nc.connect(
        servers(url),
        name=name,
        allow_reconnect=True,
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
        connect_timeout=2,
        drain_timeout=5,
        error_cb=on_error,
        disconnected_cb=on_disconnected,
        reconnected_cb=on_reconnected,
    )
    log.info("nats connected", url=_url(nc))


async def close(nc: NatsClient) -> None:
    """Drain (finish in-flight handlers, flush publishes) when connected, else just close."""
    if nc.is_connected:
        try:
            await nc.drain()
        except Exception as exc:  # noqa: BLE001 - a failed drain must still end in close()
            log.warning("nats drain failed, closing", error=str(exc) or type(exc).__name__)
    await nc.close()


def _url(nc: NatsClient) -> str:
    # Scheme, host and port only: the URL may carry credentials.
    url = nc.connected_url
    return f"{url.scheme}://{url.hostname}:{url.port}" if url is not None else "?"
