"""`parley events tail`: live events and commands from the catalog's streams."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

import typer
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.js.api import ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from parley.contracts.streams import CATALOG
from parley.runtime.cli.connection import DEFAULT_NATS_URL, NatsUrl, Unreachable, connected
from parley.runtime.cli.tail import consumer_plan, parse_since, render

Callback = Callable[[Msg], Awaitable[None]]

app = typer.Typer(help="Watch events and commands as they are stored.", no_args_is_help=True)


@app.command()
def tail(
    subject: Annotated[
        str, typer.Argument(help="Subject filter, e.g. 'crm.evt.>' or 'exec.evt.<ws>.*'.")
    ] = ">",
    nats_url: NatsUrl = DEFAULT_NATS_URL,
    since: Annotated[
        str | None, typer.Option(help="Start this far back, e.g. 5m, 2h; default: new only.")
    ] = None,
) -> None:
    """Print each stored event or command as it arrives, until Ctrl-C."""
    try:
        start = datetime.now(UTC) - parse_since(since) if since else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--since") from None
    plan = consumer_plan(subject, CATALOG)
    if not plan:
        typer.echo(f"no stream of the catalog stores subjects matching {subject!r}", err=True)
        raise typer.Exit(1)
    try:
        asyncio.run(_tail(nats_url, plan, start))
    except Unreachable as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


async def _tail(url: str, plan: list[tuple[str, str]], start: datetime | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    async def show(msg: Msg) -> None:
        typer.echo(render(msg.subject, msg.data, _stored_at(msg)))

    async with connected(url) as nc:
        watched = await _subscribe(nc, plan, start, show)
        if not watched:
            typer.echo("none of those streams exists yet: start the services first", err=True)
            return
        typer.echo(f"watching {', '.join(watched)} (Ctrl-C to stop)", err=True)
        await stop.wait()


async def _subscribe(
    nc: NatsClient,
    plan: list[tuple[str, str]],
    start: datetime | None,
    show: Callback,
) -> list[str]:
    # Ordered consumers: ephemeral, flow-controlled, resumed by the client after a gap.
    js = nc.jetstream()
    watched: list[str] = []
    for stream, filter_subject in plan:
        config = ConsumerConfig(opt_start_time=start) if start else None
        try:
            await js.subscribe(
                filter_subject,
                stream=stream,
                cb=show,
                ordered_consumer=True,
                deliver_policy=DeliverPolicy.BY_START_TIME if start else DeliverPolicy.NEW,
                config=config,
            )
        except NotFoundError:
            continue
        watched.append(f"{stream}:{filter_subject}")
    return watched


def _stored_at(msg: Msg) -> datetime | None:
    # JetStream encodes the stream metadata in the reply subject; anything else has none.
    if not (msg.reply or "").startswith("$JS.ACK."):
        return None
    try:
        return msg.metadata.timestamp
    except (NatsError, IndexError, ValueError):
        return None
