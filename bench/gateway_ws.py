"""Gateway benchmark: live events to many WebSocket clients, and a REST read, on one process.

    .venv/bin/python bench/gateway_ws.py [--clients 2000] [--workspaces 200] [--rate 200]
        [--seconds 30] [--rest-seconds 10] [--concurrency 32]

The gateway and the flow-engine run as their own processes (as in production) against an
embedded nats-server and PostgreSQL, everything on 127.0.0.1. `--workspaces` users sign up over
REST (one workspace each) and create a few flows; `--clients` WebSocket clients, spread evenly
over the workspaces, subscribe to their workspace's execution events. Execution events
(ExecutionStarted, then NodeEntered steps) are appended to FLOW_ENGINE with the event store at
`--rate` per second for `--seconds`, round-robin over the workspaces, so each one reaches
clients / workspaces clients.

Figures:
- live latency: from the append of an event (its envelope's event_id) to each client receiving
  it, p50 / p99 / max; deliveries against those expected; clients closed by the gateway (4008
  slow consumer, or anything else) and clients that never connected, all counted;
- REST: `--concurrency` keep-alive clients listing a workspace's flows for `--rest-seconds`
  while the sockets stay open: requests/s, p50 / p99, answers other than 200;
- the raw baselines of the same run: (a) a nats-py core subscription on `exec.evt.>` in this
  process, receiving the same appends while the clients do (the floor without the gateway);
  (b) the same list-flows query asked straight over NATS request/reply, with the same
  concurrency (the reply is checked for an error header, not decoded).

Both sides are timed with this process's `perf_counter`, so the clients' own work (and the
machine's other processes) is in both the gateway's figure and the raw one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot, ExecutionStarted, NodeEntered
from parley.contracts.flows.queries import ListFlows
from parley.contracts.messages import Message
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.testing.graphs import welcome
from parley.runtime.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from parley.runtime.eventstore import EventStore
from parley.runtime.queries import query_subject

FLOWS_PER_WORKSPACE = 3
EVENTS_PER_EXECUTION = 10  # one ExecutionStarted, then NodeEntered steps
PASSWORD = "correct horse battery 42"
HANDSHAKES_AT_ONCE = 64
SLOW_CONSUMER = 4008


# -- processes ----------------------------------------------------------------------------------


def start_service(module: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", module],
            env={**os.environ, "LOG_LEVEL": "WARNING", "LOG_FORMAT": "json", **env},
            stdout=out,
            stderr=out,
        )


def stop_service(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def wait_http(url: str, what: str, processes: Sequence[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError(f"a service exited while waiting for {what}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what} never answered {url}")


def raise_open_files(needed: int) -> int:
    """Raise the soft open-file limit (inherited by the services started after it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        soft = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


def progress(text: str) -> None:
    print(f"  .. {text}", file=sys.stderr, flush=True)


# -- accounts and flows over REST -----------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    token: str
    workspace_id: str
    flow_ids: tuple[str, ...]


async def sign_up(api: httpx.AsyncClient, index: int, run: str) -> Account:
    answer = await api.post(
        "/api/v1/auth/signup",
        json={"email": f"bench-{run}-{index}@example.com", "password": PASSWORD, "name": "Bench"},
    )
    if answer.status_code != 201:
        raise RuntimeError(f"signup answered {answer.status_code}: {answer.text[:300]}")
    body = answer.json()
    token: str = body["tokens"]["access_token"]
    workspace_id: str = body["workspace"]["id"]
    headers = {"Authorization": f"Bearer {token}"}
    flow_ids = []
    for n in range(FLOWS_PER_WORKSPACE):
        created = await api.post(
            f"/api/v1/workspaces/{workspace_id}/flows",
            json={"name": f"Flow {n}"},
            headers=headers,
        )
        if created.status_code != 201:
            raise RuntimeError(f"create flow answered {created.status_code}: {created.text[:300]}")
        flow_ids.append(str(created.json()["flow_id"]))
    return Account(token, workspace_id, tuple(flow_ids))


async def sign_up_all(base_url: str, count: int) -> list[Account]:
    run = os.urandom(4).hex()
    gate = asyncio.Semaphore(8)  # argon2 hashing in the gateway sets the pace anyway

    async with httpx.AsyncClient(base_url=base_url, timeout=60, trust_env=False) as api:

        async def one(index: int) -> Account:
            async with gate:
                return await sign_up(api, index, run)

        accounts = await asyncio.gather(*(one(i) for i in range(count)))
        # Flows reach the list through the flow-engine's read model: wait until they are in.
        deadline = time.monotonic() + 120
        for account in accounts:
            headers = {"Authorization": f"Bearer {account.token}"}
            path = f"/api/v1/workspaces/{account.workspace_id}/flows"
            while len((await api.get(path, headers=headers)).json()["items"]) < len(
                account.flow_ids
            ):
                if time.monotonic() > deadline:
                    raise TimeoutError("the created flows never reached the list")
                await asyncio.sleep(0.2)
    return accounts


# -- WebSocket clients --------------------------------------------------------------------------


@dataclass
class Client:
    workspace_id: str
    socket: ClientConnection | None = None
    received: list[tuple[str, float]] = field(default_factory=list)  # (event id, receive time)
    closed_code: int | None = None  # by the gateway, while we were still listening
    closed_reason: str = ""
    leaving: bool = False
    reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        assert self.socket is not None
        try:
            while True:
                raw = await self.socket.recv()
                now = time.perf_counter()
                message = json.loads(raw)
                if message.get("type") == "event":
                    self.received.append((message["event"]["event_id"], now))
        except ConnectionClosed as closed:
            if not self.leaving:
                self.closed_code = closed.rcvd.code if closed.rcvd else None
                self.closed_reason = closed.rcvd.reason if closed.rcvd else str(closed)


async def open_client(url: str, client: Client, gate: asyncio.Semaphore) -> None:
    async with gate:
        socket = await connect(url, open_timeout=60, ping_interval=None, proxy=None)
        client.socket = socket
        await socket.send(
            json.dumps({"type": "subscribe", "id": "s", "workspace_id": client.workspace_id})
        )
        while True:
            answer = json.loads(await asyncio.wait_for(socket.recv(), 60))
            if answer.get("type") == "subscribed":
                break
            if answer.get("type") == "error":
                raise RuntimeError(f"subscribe refused: {answer}")
    client.reader = asyncio.create_task(client.read())


async def open_clients(
    ws_url: str, accounts: Sequence[Account], count: int
) -> tuple[list[Client], Counter[str]]:
    """Connected and subscribed clients, and why the others failed (error -> count)."""
    gate = asyncio.Semaphore(HANDSHAKES_AT_ONCE)
    clients = [Client(accounts[i % len(accounts)].workspace_id) for i in range(count)]
    tokens = [accounts[i % len(accounts)].token for i in range(count)]
    outcomes = await asyncio.gather(
        *(
            open_client(f"{ws_url}/ws?access_token={token}", client, gate)
            for client, token in zip(clients, tokens, strict=True)
        ),
        return_exceptions=True,
    )
    failures: Counter[str] = Counter()
    connected = []
    for client, outcome in zip(clients, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            failures[f"{type(outcome).__name__}: {outcome}"[:160]] += 1
            if client.socket is not None:
                await client.socket.close()
        else:
            connected.append(client)
    return connected, failures


async def close_clients(clients: Sequence[Client]) -> None:
    for client in clients:
        client.leaving = True

    async def close(client: Client) -> None:
        if client.socket is not None:
            await client.socket.close()
        if client.reader is not None:
            await client.reader

    gate = asyncio.Semaphore(256)

    async def gated(client: Client) -> None:
        async with gate:
            await close(client)

    try:
        await asyncio.wait_for(asyncio.gather(*(gated(c) for c in clients)), timeout=30)
    except TimeoutError:
        print("  (some sockets did not close within 30 s)", file=sys.stderr)
        for client in clients:
            if client.reader is not None:
                client.reader.cancel()


# -- the appended events ------------------------------------------------------------------------


@dataclass
class Workload:
    """The events to append, in order."""

    events: list[tuple[str, Envelope, bool]]  # (subject, envelope, first of its execution)

    @property
    def ids(self) -> list[str]:
        return [str(envelope.event_id) for _, envelope, _ in self.events]


def execution_events(
    accounts: Sequence[Account], count: int, tag: str, per_execution: int = EVENTS_PER_EXECUTION
) -> Workload:
    graph = welcome()
    node_ids = [n.id for n in graph.nodes]
    now = datetime.now(UTC)
    events: list[tuple[str, Envelope, bool]] = []
    for n in range(count):
        account = accounts[n % len(accounts)]
        round_, step = divmod(n // len(accounts), per_execution)
        execution_id = f"{tag}{n % len(accounts)}-{round_}"
        message: Message
        if step == 0:
            message = ExecutionStarted(
                execution_id=execution_id,
                flow_id=account.flow_ids[round_ % len(account.flow_ids)],
                flow_version=1,
                graph=graph,
                contact=ContactSnapshot(contact_id=f"c-{execution_id}", name="Ada"),
                trigger="keyword",
                at=now,
            )
        else:
            message = NodeEntered(node_id=node_ids[step % len(node_ids)], step=step, at=now)
        subject = event_subject("exec", account.workspace_id, execution_id)
        events.append(
            (subject, Envelope.wrap(message, workspace_id=account.workspace_id), step == 0)
        )
    return Workload(events)


async def append_paced(
    store: EventStore, workload: Workload, rate: int, sent_at: dict[str, float]
) -> tuple[float, int]:
    """Append at an even pace without waiting for acks (each subject's appends stay in order);
    returns the offered rate and the number of appends that failed."""
    last: dict[str, asyncio.Task[int]] = {}
    failed = 0

    async def append(subject: str, envelope: Envelope, previous: asyncio.Task[int] | None) -> int:
        expected = await previous if previous is not None else 0
        return (await store.append(subject, [envelope], expected)).last_sequence

    tasks: list[asyncio.Task[int]] = []
    start = time.perf_counter()
    for n, (subject, envelope, first) in enumerate(workload.events):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent_at[str(envelope.event_id)] = time.perf_counter()
        task = asyncio.create_task(append(subject, envelope, None if first else last[subject]))
        last[subject] = task
        tasks.append(task)
    offered = len(workload.events) / (time.perf_counter() - start)
    for outcome in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(outcome, BaseException):
            failed += 1
    return offered, failed


async def settle(count: Callable[[], int], expected: int, quiet: float = 5.0) -> None:
    """Wait until `count()` reaches `expected`, or stops growing for `quiet` seconds."""
    seen, since = count(), time.monotonic()
    while seen < expected and time.monotonic() - since < quiet:
        await asyncio.sleep(0.1)
        now = count()
        if now != seen:
            seen, since = now, time.monotonic()


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest rank, over sorted values."""
    if not values:
        return math.nan
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


# -- REST and its raw baseline ------------------------------------------------------------------


@dataclass
class LoadResult:
    done: int
    failures: Counter[str]
    latencies_ms: list[float]
    seconds: float

    @property
    def rate(self) -> float:
        """Successful answers per second."""
        return (self.done - sum(self.failures.values())) / self.seconds

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)


async def closed_loop(
    calls: Sequence[Callable[[int], Awaitable[str | None]]], seconds: float
) -> LoadResult:
    """One loop per call, each asking again as soon as it has its answer (None: a success,
    else what went wrong)."""
    failures: Counter[str] = Counter()
    latencies: list[float] = []
    start = time.perf_counter()
    end = start + seconds

    async def loop(call: Callable[[int], Awaitable[str | None]]) -> None:
        n = 0
        while time.perf_counter() < end:
            began = time.perf_counter()
            try:
                failure = await call(n)
            except Exception as err:  # noqa: BLE001 - counted and shown, the loop goes on
                failure = type(err).__name__
            latencies.append((time.perf_counter() - began) * 1000)
            if failure is not None:
                failures[failure] += 1
            n += 1

    await asyncio.gather(*(loop(c) for c in calls))
    elapsed = time.perf_counter() - start
    return LoadResult(len(latencies), failures, sorted(latencies), elapsed)


async def rest_load(
    base_url: str, accounts: Sequence[Account], concurrency: int, seconds: float
) -> LoadResult:
    clients = [
        httpx.AsyncClient(base_url=base_url, timeout=10, trust_env=False)
        for _ in range(concurrency)
    ]

    def caller(i: int) -> Callable[[int], Awaitable[str | None]]:
        async def call(n: int) -> str | None:
            account = accounts[(i + n * concurrency) % len(accounts)]
            answer = await clients[i].get(
                f"/api/v1/workspaces/{account.workspace_id}/flows",
                headers={"Authorization": f"Bearer {account.token}"},
            )
            await answer.aread()
            return None if answer.status_code == 200 else f"HTTP {answer.status_code}"

        return call

    try:
        return await closed_loop([caller(i) for i in range(concurrency)], seconds)
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


async def nats_load(
    nc: NatsClient, accounts: Sequence[Account], concurrency: int, seconds: float
) -> LoadResult:
    subject = query_subject("flow-engine", "list-flows")

    def caller(i: int) -> Callable[[int], Awaitable[str | None]]:
        async def call(n: int) -> str | None:
            account = accounts[(i + n * concurrency) % len(accounts)]
            request = Envelope.wrap(ListFlows(), workspace_id=account.workspace_id)
            answer = await nc.request(subject, request.to_bytes(), timeout=10)
            code = (answer.headers or {}).get("Nats-Service-Error-Code")
            return None if code is None else f"service error {code}"

        return call

    return await closed_loop([caller(i) for i in range(concurrency)], seconds)


# -- the run ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    clients: int
    workspaces: int
    rate: int
    seconds: float
    rest_seconds: float
    concurrency: int


async def main(options: Options) -> None:
    open_files = raise_open_files(options.clients + 2048)
    with tempfile.TemporaryDirectory() as tmp:
        nats_server = EmbeddedNats(store_dir=Path(tmp) / "nats")
        postgres = EmbeddedPostgres(data_dir=Path(tmp) / "pg")
        logs = {"flow-engine": Path(tmp) / "flow-engine.log", "gateway": Path(tmp) / "gateway.log"}
        processes: list[subprocess.Popen[bytes]] = []
        try:
            nats_server.start()
            postgres.start()
            base = {"NATS_URL": nats_server.url, "DATABASE_URL": postgres.url}
            engine_health, gateway_health, http_port = free_port(), free_port(), free_port()
            processes.append(
                start_service(
                    "parley.flow_engine",
                    {**base, "HEALTH_PORT": str(engine_health)},
                    logs["flow-engine"],
                )
            )
            processes.append(
                start_service(
                    "parley.gateway",
                    {
                        **base,
                        "HEALTH_PORT": str(gateway_health),
                        "HTTP_PORT": str(http_port),
                        # One client address for everything: the per-address limit is not
                        # what is measured.
                        "RATE_LIMIT_PER_IP": "1000000",
                        # Sockets authenticate once; REST tokens must outlive a long run.
                        "ACCESS_TOKEN_TTL_SECONDS": "86400",
                    },
                    logs["gateway"],
                )
            )
            api_url = f"http://127.0.0.1:{http_port}"
            await asyncio.to_thread(
                wait_http, f"http://127.0.0.1:{engine_health}/readyz", "flow-engine", processes
            )
            await asyncio.to_thread(wait_http, f"{api_url}/api/openapi.json", "gateway", processes)
            await run(options, nats_server.url, api_url, open_files)
        except BaseException:
            for name, log in logs.items():
                if log.exists():
                    sys.stderr.write(f"--- {name} log (tail) ---\n{log.read_text()[-3000:]}\n")
            raise
        finally:
            for process in reversed(processes):
                stop_service(process)
            postgres.stop()
            nats_server.stop()


async def run(options: Options, nats_url: str, api_url: str, open_files: int) -> None:
    progress(f"signing up {options.workspaces} users, {FLOWS_PER_WORKSPACE} flows each")
    accounts = await sign_up_all(api_url, options.workspaces)

    progress(f"opening {options.clients} WebSocket clients")
    began = time.perf_counter()
    clients, failures = await open_clients(
        api_url.replace("http://", "ws://"), accounts, options.clients
    )
    connect_seconds = time.perf_counter() - began

    nc = await nats.connect(nats_url)
    raw_received: dict[str, float] = {}

    async def on_raw(msg: Msg) -> None:
        raw_received.setdefault((msg.headers or {}).get("Nats-Msg-Id", ""), time.perf_counter())

    raw_sub = await nc.subscribe("exec.evt.>", cb=on_raw)
    store = EventStore(nc, FLOW_ENGINE.name)
    try:
        # Warm-up (not measured): one event per workspace until every client has seen one, so
        # the gateway's live feed is running before the clock starts.
        warm_deadline = time.monotonic() + 60
        round_ = 0
        while any(not c.received for c in clients) and time.monotonic() < warm_deadline:
            warm = execution_events(accounts, len(accounts), f"warm{round_}-", per_execution=1)
            await append_paced(store, warm, max(options.rate, len(accounts)), {})
            await settle(lambda: sum(1 for c in clients if c.received), len(clients), quiet=2)
            round_ += 1
        for client in clients:
            client.received.clear()

        count = int(options.rate * options.seconds)
        workload = execution_events(accounts, count, "x")
        progress(f"appending {count} events at {options.rate}/s")
        sent_at: dict[str, float] = {}
        alive = Counter(c.workspace_id for c in clients if c.closed_code is None)
        expected = sum(alive[envelope.workspace_id] for _, envelope, _ in workload.events)
        offered, append_failures = await append_paced(store, workload, options.rate, sent_at)
        await settle(lambda: sum(len(c.received) for c in clients), expected)
        await settle(lambda: len(raw_received), count)

        latencies = sorted(
            (t - sent_at[i]) * 1000 for c in clients for i, t in c.received if i in sent_at
        )
        delivered = len(latencies)
        duplicates = sum(len(c.received) - len({i for i, _ in c.received}) for c in clients)
        raw_latencies = sorted(
            (raw_received[i] - sent_at[i]) * 1000 for i in workload.ids if i in raw_received
        )
        closed = Counter(c.closed_code for c in clients if c.closed_code is not None)
        reasons = Counter(c.closed_reason for c in clients if c.closed_code is not None)

        progress(f"REST: {options.concurrency} loops for {options.rest_seconds:g} s, each way")
        await rest_load(api_url, accounts, options.concurrency, 1.0)  # warm-up
        rest = await rest_load(api_url, accounts, options.concurrency, options.rest_seconds)
        await nats_load(nc, accounts, options.concurrency, 1.0)
        raw_rest = await nats_load(nc, accounts, options.concurrency, options.rest_seconds)
    finally:
        await raw_sub.unsubscribe()
        await close_clients(clients)
        await nc.close()

    fan_out = options.clients / options.workspaces
    slow = closed.get(SLOW_CONSUMER, 0)
    print("gateway WebSocket benchmark (embedded nats-server and PostgreSQL; gateway and")
    print("flow-engine as processes; this machine, one run)")
    print(
        f"  {len(clients):,} of {options.clients:,} clients connected and subscribed in "
        f"{connect_seconds:.1f} s (open-file limit {open_files:,})"
    )
    for why, n in failures.most_common():
        print(f"    not connected: {n:,} x {why}")
    print(f"  {options.workspaces:,} workspaces: fan-out {fan_out:g} clients per event")
    print(
        f"  {options.rate}/s execution events appended for {options.seconds:g} s "
        f"(offered {offered:,.0f}/s; {count:,} events; {append_failures} appends failed)"
    )
    print(
        f"    gateway -> client  p50 {percentile(latencies, 0.5):7.1f} ms   "
        f"p99 {percentile(latencies, 0.99):7.1f} ms   max {percentile(latencies, 1.0):7.1f} ms"
        f"   ({_ratio(latencies, raw_latencies, 0.5)} / {_ratio(latencies, raw_latencies, 0.99)}"
        " the raw p50 / p99)"
    )
    print(
        f"    raw subscription   p50 {percentile(raw_latencies, 0.5):7.1f} ms   "
        f"p99 {percentile(raw_latencies, 0.99):7.1f} ms   "
        f"max {percentile(raw_latencies, 1.0):7.1f} ms   (baseline)"
    )
    print(
        f"    delivered {delivered:,} of {expected:,} expected   duplicates {duplicates}   "
        f"raw received {len(raw_latencies):,} of {count:,}"
    )
    print(
        f"    closed by the gateway: {sum(closed.values())} "
        f"(4008 slow consumer: {slow}; other: {sum(closed.values()) - slow})"
    )
    for reason, n in reasons.most_common(3):
        print(f"      {n:,} x {reason!r}")
    print(
        f"  GET /api/v1/workspaces/{{ws}}/flows ({FLOWS_PER_WORKSPACE} flows each), "
        f"{options.concurrency} concurrent for {options.rest_seconds:g} s, sockets open"
    )
    print(
        f"    gateway REST       {rest.rate:8,.0f} req/s   p50 {rest.p(0.5):6.1f} ms   "
        f"p99 {rest.p(0.99):6.1f} ms   not 200: {sum(rest.failures.values())}   "
        f"({rest.rate / max(raw_rest.rate, 1e-9):.2f}x the raw rate)"
    )
    print(
        f"    raw NATS request   {raw_rest.rate:8,.0f} req/s   p50 {raw_rest.p(0.5):6.1f} ms   "
        f"p99 {raw_rest.p(0.99):6.1f} ms   errors: {sum(raw_rest.failures.values())}   (baseline)"
    )
    for what, result in (("gateway", rest), ("raw", raw_rest)):
        for why, n in result.failures.most_common(3):
            print(f"      {what}: {n:,} x {why}")


def _ratio(values: Sequence[float], baseline: Sequence[float], q: float) -> str:
    base = percentile(baseline, q)
    if not values or not baseline or base <= 0:
        return "n/a"
    return f"{percentile(values, q) / base:.1f}x"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse(argv: Sequence[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=_positive, default=2000)
    parser.add_argument("--workspaces", type=_positive, default=200)
    parser.add_argument("--rate", type=_positive, default=200, help="events appended per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rest-seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=_positive, default=32)
    args: Any = parser.parse_args(argv)
    return Options(
        clients=args.clients,
        workspaces=args.workspaces,
        rate=args.rate,
        seconds=args.seconds,
        rest_seconds=args.rest_seconds,
        concurrency=args.concurrency,
    )


if __name__ == "__main__":
    asyncio.run(main(parse()))
