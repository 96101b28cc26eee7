"""`parley streams`: what each JetStream stream holds and how far behind its consumers are."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer
from nats.js.api import ConsumerInfo, StreamInfo

from parley.runtime.cli.connection import DEFAULT_NATS_URL, NatsUrl, Unreachable, connected
from parley.runtime.cli.output import size, table


def streams(
    nats_url: NatsUrl = DEFAULT_NATS_URL,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Streams with their subjects, messages, bytes and consumers, and each consumer's lag."""
    try:
        found = asyncio.run(_inspect(nats_url))
    except Unreachable as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(render_json(found) if as_json else render_tables(found))


async def _inspect(url: str) -> list[tuple[StreamInfo, list[ConsumerInfo]]]:
    async with connected(url) as nc:
        js = nc.jetstream()
        infos = sorted(await js.streams_info(), key=lambda info: info.config.name or "")
        return [(info, await js.consumers_info(info.config.name or "")) for info in infos]


def _consumer_row(stream: str, consumer: ConsumerInfo) -> list[str]:
    return [
        stream,
        consumer.name,
        str(consumer.num_pending or 0),
        str(consumer.num_ack_pending or 0),
        str(consumer.num_redelivered or 0),
    ]


def render_tables(found: list[tuple[StreamInfo, list[ConsumerInfo]]]) -> str:
    if not found:
        return "no streams yet: start the services (parley dev) to create them"
    stream_rows = [
        [
            info.config.name or "?",
            str(info.state.messages),
            size(info.state.bytes),
            str(info.state.consumer_count),
            " ".join(info.config.subjects or []),
        ]
        for info, _ in found
    ]
    text = table(["STREAM", "MESSAGES", "BYTES", "CONSUMERS", "SUBJECTS"], stream_rows)
    consumer_rows = [
        _consumer_row(info.config.name or "?", consumer)
        for info, consumers in found
        for consumer in consumers
    ]
    if consumer_rows:
        headers = ["STREAM", "CONSUMER", "PENDING", "ACK PENDING", "REDELIVERED"]
        text += "\n\n" + table(headers, consumer_rows)
    return text


def render_json(found: list[tuple[StreamInfo, list[ConsumerInfo]]]) -> str:
    out: list[dict[str, Any]] = [
        {
            "name": info.config.name,
            "subjects": info.config.subjects or [],
            "messages": info.state.messages,
            "bytes": info.state.bytes,
            "consumers": [
                {
                    "name": c.name,
                    "pending": c.num_pending or 0,
                    "ack_pending": c.num_ack_pending or 0,
                    "redelivered": c.num_redelivered or 0,
                }
                for c in consumers
            ],
        }
        for info, consumers in found
    ]
    return json.dumps(out, indent=2)
