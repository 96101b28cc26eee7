"""`parley replay execution <id>`: an execution's timeline, asked of the flow-engine over NATS.
`parley replay projections <service>`: rebuild a service's read models (see `cli/rebuild.py`)."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Annotated

import structlog
import typer
from sqlalchemy.exc import SQLAlchemyError

from parley.contracts.executions.queries import ExecutionReplay, GetExecutionReplay
from parley.runtime.cli import rebuild
from parley.runtime.cli.connection import DEFAULT_NATS_URL, NatsUrl, Unreachable
from parley.runtime.cli.output import table
from parley.runtime.cli.service_query import QueryFailed, ask_service
from parley.runtime.logs import configure_logging

app = typer.Typer(help="Replay what happened.", no_args_is_help=True)
DETAIL_WIDTH = 100


async def ask(url: str, workspace: str, query: GetExecutionReplay) -> ExecutionReplay:
    return await ask_service(
        url, "flow-engine", "execution-replay", workspace, query, ExecutionReplay
    )


def render(replay: ExecutionReplay) -> str:
    rows = []
    for step in replay.steps:
        detail = json.dumps(step.detail, ensure_ascii=False, separators=(",", ":"))
        if len(detail) > DETAIL_WIDTH:
            detail = detail[: DETAIL_WIDTH - 1] + "…"
        when = step.at.strftime("%Y-%m-%d %H:%M:%S") if step.at else ""
        name = step.event.removeprefix("exec.")
        rows.append([str(step.index), when, name, step.node_id or "", detail])
    out = [
        f"execution {replay.execution_id}: flow {replay.flow_id} v{replay.flow_version}",
        table(["#", "AT", "EVENT", "NODE", "DETAIL"], rows),
    ]
    if replay.state is not None:
        s = replay.state
        out.append(
            f"\nafter event {s.after_event}: {s.status} at node {s.node_id or '-'} (step {s.step})"
            + (f", waiting for {s.waiting_for}" if s.waiting_for else "")
            + f"\nvariables: {json.dumps(s.variables, ensure_ascii=False)}"
        )
    if replay.divergence is not None:
        d = replay.divergence
        where = (
            "the paths are the same"
            if d.diverges_at is None
            else (f"the paths part at step {d.diverges_at + 1}")
        )
        out.append(
            f"\nagainst version {d.version}: {where}"
            f"\n  recorded (v{replay.flow_version}): {' → '.join(d.recorded_path)} "
            f"[{d.recorded_status}]"
            f"\n  replayed (v{d.version}): {' → '.join(d.replayed_path)} [{d.replayed_status}]"
        )
    return "\n".join(out)


@app.command()
def execution(
    execution_id: Annotated[str, typer.Argument(help="The execution to replay.")],
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="Its workspace id.")],
    at: Annotated[int | None, typer.Option(help="Also show the state after event N.")] = None,
    against_version: Annotated[
        int | None, typer.Option(help="Feed its inputs to this published version and compare.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reply as JSON.")] = False,
    nats_url: NatsUrl = DEFAULT_NATS_URL,
) -> None:
    """Print an execution's timeline: each event with its node, time, inputs and outputs."""
    query = GetExecutionReplay(execution_id=execution_id, at=at, against_version=against_version)
    try:
        replay = asyncio.run(ask(nats_url, workspace, query))
    except (QueryFailed, Unreachable) as failed:
        typer.echo(f"parley replay: {failed}", err=True)
        raise typer.Exit(1) from None
    typer.echo(replay.model_dump_json(indent=2) if as_json else render(replay))


@app.command()
def projections(
    service: Annotated[str, typer.Argument(help="The service, e.g. flow-engine.")],
    only: Annotated[
        list[str] | None,
        typer.Option("--projection", "-p", help="Only this projection (repeatable)."),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds to wait for the rebuilds to finish.")
    ] = 600.0,
    nats_url: NatsUrl = DEFAULT_NATS_URL,
) -> None:
    """Rebuild a service's read models from its streams.

    When the service runs, the replica leading each projection empties it and replays the stream
    into it, then goes on live. When none runs, this command does it, with the service's settings
    from the environment (DATABASE_URL ...), holding the lease a starting replica would need.
    """

    def progress(line: str) -> None:
        typer.echo(line, err=True)

    def quiet_logs() -> None:
        # Rebuilding here runs the service's own code: its logs go to stderr, off the table.
        if not structlog.is_configured():
            configure_logging("parley-cli", level="WARNING", fmt="console", stream=sys.stderr)

    try:
        rows = asyncio.run(
            rebuild.rebuild(
                service,
                only or (),
                nats_url=nats_url,
                timeout=timeout,
                progress=progress,
                before_offline=quiet_logs,
            )
        )
    except (rebuild.RebuildFailed, Unreachable) as failed:
        typer.echo(f"parley replay: {failed}", err=True)
        raise typer.Exit(1) from None
    except (SQLAlchemyError, OSError) as failed:
        typer.echo(f"parley replay: cannot use the service's database: {failed}", err=True)
        raise typer.Exit(1) from None
    typer.echo(rebuild.render(service, rows))
    failed_rows = [row.projection for row in rows if not row.ok]
    if failed_rows:
        typer.echo(f"parley replay: not rebuilt: {', '.join(failed_rows)}", err=True)
        raise typer.Exit(1)
