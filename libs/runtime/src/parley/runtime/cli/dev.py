"""`parley dev`: the whole system on one machine, embedded servers and seven service processes.

Start order is NATS, PostgreSQL, then the services under the supervisor; stop order is the
reverse, and the data directory stays for the next run. The stack runs in a session of its own
(see `_run_shielded`): a terminal's Ctrl-C goes to the whole foreground process group, which would
stop NATS and PostgreSQL at the same moment as the services that are still using them.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from parley.runtime.cli.output import colors_enabled
from parley.runtime.cli.roster import SERVICES, module_of
from parley.runtime.cli.supervisor import ChildSpec, Printer, Supervisor
from parley.runtime.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from parley.runtime.embedded.ports import port_open

DATA = Path(".data")
NATS_PORT = 4222
PG_PORT = 5433
_SHIELDED = "PARLEY_DEV_SHIELDED"


@dataclass(frozen=True)
class DevOptions:
    data_dir: Path
    reset: bool
    nats_port: int | None
    pg_port: int | None
    health_port_base: int | None
    stop_timeout: float

    def argv(self) -> list[str]:
        """The same command line, for the shielded re-run."""
        args = ["dev", "--data-dir", str(self.data_dir), "--stop-timeout", str(self.stop_timeout)]
        if self.reset:
            args.append("--reset")
        for flag, value in (
            ("--nats-port", self.nats_port),
            ("--pg-port", self.pg_port),
            ("--health-port-base", self.health_port_base),
        ):
            if value is not None:
                args += [flag, str(value)]
        return args


def dev(
    data_dir: Annotated[
        Path, typer.Option(help="Where NATS, PostgreSQL, Qdrant keep data.")
    ] = DATA,
    reset: Annotated[bool, typer.Option(help="Wipe the data directory first.")] = False,
    nats_port: Annotated[
        int | None,
        typer.Option(help="NATS port.", show_default=f"{NATS_PORT}, or a free one if busy"),
    ] = None,
    pg_port: Annotated[
        int | None,
        typer.Option(help="PostgreSQL port.", show_default=f"{PG_PORT}, or a free one if busy"),
    ] = None,
    health_port_base: Annotated[
        int | None,
        typer.Option(help="Give the services health ports BASE..BASE+6 instead of their own."),
    ] = None,
    stop_timeout: Annotated[
        float, typer.Option(help="Seconds a service gets to stop before it is killed.")
    ] = 10.0,
) -> None:
    """Run NATS, PostgreSQL and every service locally; Ctrl-C stops them all, keeping the data."""
    options = DevOptions(
        data_dir.resolve(), reset, nats_port, pg_port, health_port_base, stop_timeout
    )
    if os.environ.get(_SHIELDED) != "1":
        raise typer.Exit(_run_shielded(options.argv()))
    raise typer.Exit(run_stack(options))


def _run_shielded(args: list[str]) -> int:
    """Re-run this command in a new session and turn our stop signals into one SIGTERM to it."""
    child = subprocess.Popen(
        [sys.executable, "-m", "parley.runtime.cli", *args],
        env={**os.environ, _SHIELDED: "1"},
        start_new_session=True,
    )

    def forward(signum: int, frame: FrameType | None) -> None:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    returncode = child.wait()
    return returncode if returncode >= 0 else 128 - returncode


class _Interrupted(Exception):
    """A stop signal arrived while the embedded servers were starting."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise _Interrupted


def run_stack(options: DevOptions) -> int:
    printer = Printer(sys.stdout, SERVICES)
    data = options.data_dir
    if options.reset and data.exists():
        shutil.rmtree(data)
        printer.say(f"wiped {data}")
    data.mkdir(parents=True, exist_ok=True)

    nats = EmbeddedNats(
        store_dir=data / "nats",
        port=_choose_port(options.nats_port, NATS_PORT, "NATS", printer),
        log_file=data / "nats.log",
    )
    postgres = EmbeddedPostgres(
        data_dir=data / "pg",
        port=_choose_port(options.pg_port, PG_PORT, "PostgreSQL", printer),
        log_file=data / "pg.log",
    )
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        nats.start()
        printer.say(f"NATS on {nats.url} (store {data / 'nats'}, log {data / 'nats.log'})")
        fresh = not (data / "pg" / "PG_VERSION").exists()
        postgres.start()
        state = "initialised" if fresh else "reused"
        printer.say(f"PostgreSQL on {postgres.url} (data {state} in {data / 'pg'})")
        children = _children(options, nats.url, postgres.url)
        supervisor = Supervisor(children, printer, stop_timeout=options.stop_timeout)
        asyncio.run(supervisor.run_until_signalled())
        printer.say("services stopped")
    except _Interrupted:
        printer.say("interrupted while starting")
    finally:
        # From here on a second Ctrl-C must not cut the orderly stop of the servers short.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        postgres.stop()
        nats.stop()
        printer.say("PostgreSQL and NATS stopped; data kept in " + str(data))
    return 0


def _choose_port(requested: int | None, default: int, what: str, printer: Printer) -> int:
    if requested is not None:
        if port_open(requested):
            raise typer.BadParameter(f"{what} port {requested} is already in use")
        return requested
    if not port_open(default):
        return default
    port = free_port()
    printer.say(f"{what}: port {default} is busy, using {port}")
    return port


def _children(options: DevOptions, nats_url: str, database_url: str) -> list[ChildSpec]:
    base = {
        **os.environ,
        "NATS_URL": nats_url,
        "DATABASE_URL": database_url,
        "PARLEY_ENV": "development",
        "PYTHONUNBUFFERED": "1",
    }
    base.pop(_SHIELDED, None)
    # The children write into our pipe, not the terminal: tell them how it will be shown.
    if sys.stdout.isatty():
        base.setdefault("LOG_FORMAT", "console")
    if colors_enabled(sys.stdout):
        base["FORCE_COLOR"] = "1"
    children = []
    for index, service in enumerate(SERVICES):
        env = dict(base)
        if options.health_port_base is not None:
            env["HEALTH_PORT"] = str(options.health_port_base + index)
        if service == "ai-rag":
            # Qdrant's local mode keeps its files with the rest of the stack's data, unless the
            # environment names a Qdrant server or a path of its own.
            env.setdefault("QDRANT_PATH", str(options.data_dir.resolve() / "qdrant"))
        argv = (sys.executable, "-m", module_of(service))
        children.append(ChildSpec(name=service, argv=argv, env=env))
    return children
