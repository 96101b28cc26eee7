"""A small process supervisor: run each child, merge their output, restart the ones that die.

Every line a child prints comes out prefixed with its padded, colored name, so seven services
read as one log. A child that exits while we are not stopping is restarted after a backoff that
grows with quick successive failures and resets once the child has stayed up a while. Stopping
sends SIGTERM to every child at once, waits, and kills the ones that outlive the timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from parley.runtime.cli.output import colors_enabled, paint

# Exit status 2 is a configuration error (see parley.runtime.settings): restarting cannot fix it.
CONFIG_ERROR = 2
SELF = "parley"
_PALETTE = ("36", "33", "32", "35", "34", "96", "93", "95", "92")
_LINE_LIMIT = 1 << 20  # a traceback or a JSON log line may be long; never split or choke on it


@dataclass(frozen=True)
class ChildSpec:
    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str]


@dataclass(frozen=True)
class Backoff:
    initial: float = 0.5
    factor: float = 2.0
    maximum: float = 30.0
    reset_after: float = 30.0  # a child up this long counts as healthy again

    def delay(self, failures: int) -> float:
        return min(self.maximum, self.initial * self.factor**failures)


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


class Printer:
    """Writes `<padded name> | <line>`, the name colored per child when on a terminal."""

    def __init__(self, stream: TextIO, names: Sequence[str]) -> None:
        self._stream = stream
        self._width = max(len(name) for name in (*names, SELF))
        self._colors = colors_enabled(stream)
        self._codes = {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(names)}
        self._codes[SELF] = "1"
        self._closed = False

    def prefix(self, name: str) -> str:
        label = name.rjust(self._width)
        return paint(label, self._codes.get(name, "0"), enabled=self._colors) + " | "

    def line(self, name: str, text: str) -> None:
        if self._closed:
            return
        try:
            self._stream.write(self.prefix(name) + text + "\n")
            self._stream.flush()
        except OSError:
            # The terminal or pipe went away (closed window, `| head`): keep supervising and
            # stopping in order, just without output.
            self._closed = True

    def say(self, text: str) -> None:
        self.line(SELF, text)


class Supervisor:
    def __init__(
        self,
        children: Sequence[ChildSpec],
        printer: Printer,
        *,
        stop_timeout: float = 10.0,
        backoff: Backoff | None = None,
    ) -> None:
        self.children = tuple(children)
        self.printer = printer
        self.stop_timeout = stop_timeout
        self.backoff = backoff or Backoff()
        self.pids: dict[str, int] = {}
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        """Run every child until `stop()`; returns once all of them have exited."""
        await asyncio.gather(*(self._keep_running(child) for child in self.children))

    async def run_until_signalled(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self._on_signal, signum)
        await self.run()

    def _on_signal(self, signum: int) -> None:
        if not self._stopping.is_set():
            self.printer.say(f"{signal.Signals(signum).name}: stopping services")
        self.stop()

    async def _keep_running(self, child: ChildSpec) -> None:
        loop = asyncio.get_running_loop()
        failures = 0
        while not self._stopping.is_set():
            began = loop.time()
            returncode = await self._run_once(child)
            if self._stopping.is_set():
                return
            if returncode == CONFIG_ERROR:
                self.printer.say(
                    f"{child.name} stopped on a configuration error (exit code 2): "
                    "not restarting it; fix the setting and start parley dev again"
                )
                return
            if loop.time() - began >= self.backoff.reset_after:
                failures = 0
            delay = self.backoff.delay(failures)
            failures += 1
            self.printer.say(
                f"{child.name} exited unexpectedly ({describe_exit(returncode)}); "
                f"restarting in {delay:.1f}s"
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)

    async def _run_once(self, child: ChildSpec) -> int:
        process = await asyncio.create_subprocess_exec(
            *child.argv,
            env=dict(child.env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            limit=_LINE_LIMIT,
        )
        self.pids[child.name] = process.pid
        pump = asyncio.create_task(self._pump(child.name, process))
        exited = asyncio.create_task(process.wait())
        stopping = asyncio.create_task(self._stopping.wait())
        await asyncio.wait({exited, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not exited.done():
            await self._terminate(child.name, process)
        returncode = await exited
        # The pipe closes when the child exits; the bound only guards against a grandchild
        # that inherited it and lives on.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(pump, 2.0)
        self.pids.pop(child.name, None)
        return returncode

    async def _terminate(self, name: str, process: asyncio.subprocess.Process) -> None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), self.stop_timeout)
        except TimeoutError:
            self.printer.say(f"{name} did not stop within {self.stop_timeout:g}s: killing it")
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()

    async def _pump(self, name: str, process: asyncio.subprocess.Process) -> None:
        if process.stdout is None:
            return
        while True:
            try:
                raw = await process.stdout.readline()
            except ValueError:  # asyncio drops a line longer than the limit; say so, go on
                self.printer.line(name, f"(a line longer than {_LINE_LIMIT} bytes was dropped)")
                continue
            if not raw:
                return
            self.printer.line(name, raw.decode(errors="replace").rstrip("\r\n"))
