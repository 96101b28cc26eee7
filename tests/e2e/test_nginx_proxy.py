"""The deployment's nginx (deploy/nginx/parley.conf) in front of a running gateway, for real.

Debian's nginx (`make nginx`) runs the site config unchanged but for the upstream's server line
and the listen port, under a minimal main config whose pid, logs and temp paths live in a
temporary directory. Through it: sign up and an authenticated GET, the live WebSocket (the
upgrade, then an event appended to the stream arriving on it), WhatsApp's verify handshake and
a signed webhook (verified by the gateway, stored, processed) while a forged one is refused,
and a body over nginx's limit refused by nginx itself with 413.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import websockets
from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot, ExecutionStarted
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messaging.events import InboundMessageReceived
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.gateway.app import build as build_gateway
from parley.gateway.settings import GatewaySettings
from parley.messaging.app import build as build_messaging
from parley.messaging.domain.sandbox_webhooks import inbound_body
from parley.messaging.settings import MessagingSettings
from parley.messaging.testing import FakeCloudApi
from parley.messaging.testing.harness import FAKE_APP_SECRET, FAKE_TOKEN, events_of, phone_number_id
from parley.messaging.testing.webhooks import sign
from parley.runtime.embedded import free_port
from parley.runtime.embedded.ports import wait_for_port
from parley.runtime.eventstore import EventStore
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

pytestmark = pytest.mark.e2e

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "parley.conf"
UPSTREAM_SERVER = "server gateway:8080;"
LISTEN = "listen 80;"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
VERIFY_TOKEN = "verify-token-through-nginx"
PASSWORD = "correct horse battery staple"


def proxy_config(directory: Path, gateway_port: int, port: int) -> Path:
    """The site with its upstream and listen port replaced, under a main config that keeps
    everything nginx writes inside `directory`."""
    site = SITE.read_text()
    assert site.count(UPSTREAM_SERVER) == 1, "parley.conf's upstream line changed shape"
    assert site.count(LISTEN) == 1, "parley.conf's listen line changed shape"
    site = site.replace(UPSTREAM_SERVER, f"server 127.0.0.1:{gateway_port};")
    site = site.replace(LISTEN, f"listen 127.0.0.1:{port};")
    (directory / "parley.conf").write_text(site)
    temp = {}
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        path = directory / f"{name}_temp"
        path.mkdir()
        path.chmod(0o777)  # the workers run as nginx's unprivileged default user
        temp[name] = path
    main = directory / "nginx.conf"
    main.write_text(
        "\n".join(
            [
                "worker_processes 1;",
                f"pid {directory / 'nginx.pid'};",
                f"error_log {directory / 'error.log'} warn;",
                "events { worker_connections 256; }",
                "http {",
                f"  access_log {directory / 'access.log'};",
                *(f"  {name}_temp_path {path};" for name, path in temp.items()),
                f"  include {directory / 'parley.conf'};",
                "}",
                "",
            ]
        )
    )
    return main


@dataclass
class Proxy:
    url: str
    directory: Path

    def log_tail(self) -> str:
        lines = []
        for name in ("error.log", "access.log"):
            path = self.directory / name
            if path.exists():
                lines += [f"-- {name}", *path.read_text().splitlines()[-20:]]
        return "\n".join(lines)


def nginx(*args: str, directory: Path) -> list[str]:
    # -p: the prefix for relative paths; -e: the log for start-up messages, before the config
    # names its own (the compiled-in one is under /var/log).
    return [NGINX, "-p", str(directory), "-e", str(directory / "error.log"), *args]


@pytest.fixture
def proxy_dir() -> Iterator[Path]:
    # Outside pytest's tmp root (0700): nginx's workers, unprivileged, must reach the temp dirs.
    path = Path(tempfile.mkdtemp(prefix="parley-nginx-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
async def fake() -> AsyncIterator[FakeCloudApi]:
    number = phone_number_id()
    api = FakeCloudApi(
        access_token=FAKE_TOKEN,
        app_secret=FAKE_APP_SECRET,
        default_phone_number_id=number,
        display_phone_number="1555" + number[-7:],
        messages_per_second=None,
        pair_burst=None,
    )
    async with api:
        yield api


async def running(service: Service) -> asyncio.Task[None]:
    task = asyncio.create_task(service.run(), name=f"service {service.name}")
    await eventually(lambda: service.phase == "running", timeout=30)
    return task


@pytest.fixture
async def gateway_port(nats_url: str, database_url: str, fake: FakeCloudApi) -> AsyncIterator[int]:
    """The gateway and messaging (which verifies webhooks and connects numbers), running here."""
    port = free_port()
    urls = {"nats_url": nats_url, "database_url": database_url}
    messaging = build_messaging(
        MessagingSettings.model_validate(
            {**urls, "health_port": free_port(), "whatsapp_api_base_url": fake.base_url}
        )
    )
    gateway = build_gateway(
        GatewaySettings.model_validate({**urls, "health_port": free_port(), "http_port": port})
    )
    services = [messaging, gateway]
    tasks = [await running(s) for s in services]
    try:
        yield port
    finally:
        for service in reversed(services):
            service.stop()
        for task in tasks:
            await asyncio.wait_for(task, 20)


@pytest.fixture
def proxy(proxy_dir: Path, gateway_port: int) -> Iterator[Proxy]:
    port = free_port()
    config = proxy_config(proxy_dir, gateway_port, port)
    checked = subprocess.run(
        nginx("-t", "-c", str(config), directory=proxy_dir),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        nginx("-c", str(config), "-g", "daemon off;", directory=proxy_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, 10, process=process, what="nginx")
        yield Proxy(f"http://127.0.0.1:{port}", proxy_dir)
    finally:
        process.terminate()  # SIGTERM: nginx's fast shutdown, workers included
        process.wait(10)


def execution_started(execution_id: str) -> ExecutionStarted:
    return ExecutionStarted(
        execution_id=execution_id,
        at=datetime.now(UTC),
        flow_id="proxied-flow",
        flow_version=1,
        graph=FlowGraph(),
        contact=ContactSnapshot(contact_id="c-1"),
        trigger="api",
    )


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed: `make nginx`")
@pytest.mark.timeout(120)
async def test_rest_websocket_and_webhooks_through_nginx(
    proxy: Proxy, fake: FakeCloudApi, nc: NatsClient
) -> None:
    async with httpx.AsyncClient(base_url=proxy.url, timeout=15) as api:
        # Through nginx, not around it: its own location answers.
        health = await api.get("/nginx-health")
        assert (health.status_code, health.text) == (200, "ok\n")

        email = f"proxied_{uuid.uuid4().hex[:8]}@example.com"
        signup = await api.post(
            "/api/v1/auth/signup", json={"email": email, "password": PASSWORD, "name": "Ana"}
        )
        assert signup.status_code == 201, f"{signup.text}\n{proxy.log_tail()}"
        account = signup.json()
        token = account["tokens"]["access_token"]
        ws_id = account["workspace"]["id"]
        auth = {"Authorization": f"Bearer {token}"}
        me = await api.get("/api/v1/me", headers=auth)
        assert me.status_code == 200, me.text
        assert me.json()["user"]["email"] == email
        assert (await api.get("/api/v1/me")).status_code == 401

        # The live console: the upgrade goes through, and so does an event appended now.
        socket_url = proxy.url.replace("http://", "ws://") + f"/ws?access_token={token}"
        async with websockets.connect(socket_url) as live:
            await live.send(json.dumps({"type": "subscribe", "id": "s", "workspace_id": ws_id}))
            subscribed = json.loads(await asyncio.wait_for(live.recv(), 10))
            assert subscribed["type"] == "subscribed", subscribed
            execution_id = f"x-{uuid.uuid4().hex[:8]}"
            envelope = Envelope.wrap(execution_started(execution_id), workspace_id=ws_id)
            appended = time.monotonic()
            await EventStore(nc, FLOW_ENGINE.name).append(
                event_subject("exec", ws_id, execution_id), [envelope], 0
            )
            event = json.loads(await asyncio.wait_for(live.recv(), 10))
            assert (event["type"], event["execution_id"]) == ("event", execution_id)
            assert event["event"]["type"] == "exec.ExecutionStarted"
            assert time.monotonic() - appended < 2.0

        # WhatsApp: a number connected over the API, Meta's handshake, then a signed webhook.
        connected = await api.post(
            f"/api/v1/workspaces/{ws_id}/channels/cloud-api",
            json={
                "channel_id": "main",
                "phone_number_id": fake.default_phone_number_id,
                "business_account_id": fake.waba_id,
                "access_token": FAKE_TOKEN,
                "app_secret": FAKE_APP_SECRET,
                "verify_token": VERIFY_TOKEN,
            },
            headers=auth,
        )
        assert connected.status_code == 201, connected.text
        webhook = f"{proxy.url}/webhooks/whatsapp"
        assert await fake.verify_subscription(webhook, VERIFY_TOKEN)
        assert not await fake.verify_subscription(webhook, "not-the-token")
        body = json.dumps(
            inbound_body(
                phone_number_id=fake.default_phone_number_id,
                display_phone_number=fake.display_phone_number,
                waba_id=fake.waba_id,
                wa_id="15550007777",
                profile_name="Zoe",
                message_id=f"wamid.proxy.{uuid.uuid4().hex}",
                timestamp=int(time.time()),
                kind="text",
                text="hello through nginx",
            )
        ).encode()
        headers = {"Content-Type": "application/json"}
        forged = await api.post(
            webhook, content=body, headers=headers | {"X-Hub-Signature-256": sign(body, "x" * 20)}
        )
        assert forged.status_code == 401, forged.text
        assert forged.json()["code"] == "WEBHOOK_REFUSED"
        signed = await api.post(
            webhook,
            content=body,
            headers=headers | {"X-Hub-Signature-256": sign(body, FAKE_APP_SECRET)},
        )
        assert signed.status_code == 200, signed.text

        async def received() -> bool:
            events = await events_of(nc, ws_id)
            texts = [e.text for _, e in events if isinstance(e, InboundMessageReceived)]
            return texts == ["hello through nginx"]

        await eventually(received, timeout=15)

        # Over nginx's limits: refused by nginx (its HTML page), before the gateway sees it.
        for path, size in (("/api/v1/auth/signup", 3 * 1024 * 1024), (webhook, 1536 * 1024)):
            too_big = await api.post(path, content=b"x" * size, headers=headers)
            assert too_big.status_code == 413, (path, too_big.status_code)
            assert too_big.headers["content-type"].startswith("text/html"), too_big.headers
            assert "nginx" in too_big.text
        # Below nginx's limit and above the gateway's: the gateway's problem, through nginx.
        gateway_limit = await api.post(webhook, content=b"x" * (600 * 1024), headers=headers)
        assert gateway_limit.status_code == 413
        assert gateway_limit.json()["code"] == "REQUEST_TOO_LARGE"
