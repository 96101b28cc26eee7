"""The supervisor with real child processes: merged prefixed output, restarts, clean stops."""

from __future__ import annotations

import asyncio
import io
import os
import sys

import pytest

from parley.runtime.cli.supervisor import (
    Backoff,
    ChildSpec,
    Printer,
    Supervisor,
    describe_exit,
)
from parley.runtime.testing.plugin import eventually


@pytest.fixture(autouse=True)
def no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


def python(code: str, name: str = "svc") -> ChildSpec:
    return ChildSpec(name=name, argv=(sys.executable, "-c", code), env=dict(os.environ))


def test_lines_are_prefixed_with_the_padded_name() -> None:
    out = io.StringIO()
    printer = Printer(out, ["crm", "flow-engine"])
    printer.line("crm", "hello")
    printer.say("starting")
    assert out.getvalue().splitlines() == ["        crm | hello", "     parley | starting"]


def test_colored_prefix_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert Printer(io.StringIO(), ["crm"]).prefix("crm") == "\x1b[36m   crm\x1b[0m | "


def test_backoff_grows_and_is_capped() -> None:
    backoff = Backoff(initial=0.5, factor=2, maximum=3)
    assert [backoff.delay(n) for n in range(5)] == [0.5, 1, 2, 3, 3]
    assert describe_exit(3) == "exit code 3"
    assert describe_exit(-9) == "killed by SIGKILL"


async def test_a_dying_child_is_restarted_until_stopped() -> None:
    out = io.StringIO()
    crash = python("print('up', flush=True); raise SystemExit(3)", "crashy")
    supervisor = Supervisor([crash], Printer(out, ["crashy"]), backoff=Backoff(initial=0.01))
    running = asyncio.create_task(supervisor.run())

    async def restarted_twice() -> bool:
        return out.getvalue().count("crashy exited unexpectedly (exit code 3)") >= 2

    await eventually(restarted_twice)
    supervisor.stop()
    await asyncio.wait_for(running, 5)
    assert out.getvalue().count("crashy | up") >= 2


async def test_a_configuration_error_is_not_restarted() -> None:
    out = io.StringIO()
    bad = python("import sys; print('config error: X: required', file=sys.stderr); sys.exit(2)")
    await asyncio.wait_for(Supervisor([bad], Printer(out, ["svc"])).run(), 10)
    assert "svc | config error: X: required" in out.getvalue()
    assert "not restarting it" in out.getvalue()


async def test_stop_terminates_children_and_kills_the_stubborn_one() -> None:
    out = io.StringIO()
    polite = python("import time; print('ready', flush=True); time.sleep(60)", "polite")
    stubborn = python(
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('ready', flush=True); time.sleep(60)",
        "stubborn",
    )
    supervisor = Supervisor(
        [polite, stubborn], Printer(out, ["polite", "stubborn"]), stop_timeout=0.5
    )
    running = asyncio.create_task(supervisor.run())

    async def both_ready() -> bool:
        return out.getvalue().count("| ready") == 2

    await eventually(both_ready)
    pids = dict(supervisor.pids)
    supervisor.stop()
    await asyncio.wait_for(running, 5)
    assert "stubborn did not stop within 0.5s: killing it" in out.getvalue()
    assert "polite did not stop" not in out.getvalue()
    for pid in pids.values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
