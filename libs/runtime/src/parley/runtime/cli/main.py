"""The `parley` command line."""

from __future__ import annotations

import typer

from parley.runtime.cli import billing, contracts, dev, events, health, replay, streams

app = typer.Typer(
    name="parley",
    help="Run Parley locally and look inside it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(dev.dev)
app.command()(health.health)
app.command()(streams.streams)
app.add_typer(events.app, name="events")
app.add_typer(contracts.app, name="contracts")
app.add_typer(replay.app, name="replay")
app.add_typer(billing.app, name="billing")
