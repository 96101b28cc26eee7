"""The proxy's configuration: `nginx -t` (Debian's nginx, `make nginx`) on a copy whose upstream
is 127.0.0.1 (nginx resolves upstream names while checking), and every route of the real
gateway application sent to the location meant for it (uploads, webhooks, WebSockets)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from fastapi import routing
from fastapi.routing import APIRoute, APIWebSocketRoute

from parley.gateway.api.app import create_api
from parley.gateway.api.context import GatewayContext
from parley.gateway.settings import GatewaySettings

from .paths import NGINX

UPSTREAM = "upstream parley_gateway { server gateway:8080; }"
NGINX_BIN = shutil.which("nginx") or "/usr/sbin/nginx"


def local_copy(tmp_path: Path) -> Path:
    site = (NGINX / "parley.conf").read_text()
    site = site.replace("server gateway:8080;", "server 127.0.0.1:8080;")
    site = site.replace("listen 80;", "listen 127.0.0.1:18080;")
    (tmp_path / "parley.conf").write_text(site)
    main = (NGINX / "nginx.conf").read_text()
    main = main.replace("/etc/nginx/parley.conf", str(tmp_path / "parley.conf"))
    (tmp_path / "nginx.conf").write_text(main)
    return tmp_path / "nginx.conf"


def test_the_upstream_is_one_line_the_e2e_test_can_substitute() -> None:
    lines = (NGINX / "parley.conf").read_text().splitlines()
    assert lines.count(UPSTREAM) == 1


@pytest.mark.skipif(not Path(NGINX_BIN).exists(), reason="nginx is not installed: `make nginx`")
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    config = local_copy(tmp_path)
    checked = subprocess.run(
        [NGINX_BIN, "-t", "-p", str(tmp_path), "-e", "/dev/stderr", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    # ... and it refuses a broken one, so the check means something.
    config.write_text(config.read_text().replace("worker_connections 4096;", "worker_connections;"))
    broken = subprocess.run(
        [NGINX_BIN, "-t", "-p", str(tmp_path), "-e", "/dev/stderr", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert broken.returncode != 0


# The location rules of nginx, for the forms parley.conf uses: an exact match wins; otherwise
# the first regular expression that matches, unless none does, then the longest prefix.
LOCATION = re.compile(r"^\s*location\s+(=|~)?\s*(\S+)\s*\{", re.MULTILINE)


def locations() -> list[tuple[str, str, str]]:
    """(modifier, pattern, body) of each location block."""
    text = (NGINX / "parley.conf").read_text()
    found = []
    for match in LOCATION.finditer(text):
        depth, end = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        found.append((match.group(1) or "", match.group(2), text[match.end() : end]))
    return found


def location_for(path: str) -> tuple[str, str, str]:
    blocks = locations()
    for block in blocks:
        if block[0] == "=" and block[1] == path:
            return block
    for block in blocks:
        if block[0] == "~" and re.search(block[1], path):
            return block
    prefixes = [b for b in blocks if b[0] == "" and path.startswith(b[1])]
    return max(prefixes, key=lambda b: len(b[1]))


def gateway_routes() -> list[tuple[str, str]]:
    """(method, path with ids filled in) of every route of the real application."""
    settings = GatewaySettings.model_validate(
        {"nats_url": "nats://127.0.0.1:1", "database_url": "postgresql://x@127.0.0.1/x"}
    )
    placeholder = SimpleNamespace(
        settings=settings, authenticator=SimpleNamespace(idempotency_scope=None)
    )
    app = create_api(cast(GatewayContext, placeholder), cast(Any, None))
    table = []
    for context in routing.iter_route_contexts(app.routes):
        route = context.original_route
        path = re.sub(r"\{[^}]+\}", "x1", str(context.path))
        if isinstance(route, APIRoute):
            table += [(m, path) for m in sorted(context.methods or ())]
        elif isinstance(route, APIWebSocketRoute):
            table.append(("WS", path))
    return table


def test_each_gateway_route_reaches_the_location_made_for_it() -> None:
    routes = gateway_routes()
    assert ("WS", "/ws") in routes
    assert any(path.startswith("/webhooks/") for _, path in routes)
    for method, path in routes:
        _, pattern, body = location_for(path)
        assert "proxy_pass http://parley_gateway;" in body, path
        if method == "WS" or path.startswith("/graphql"):
            assert "Upgrade $http_upgrade" in body, path
            assert re.search(r"proxy_read_timeout\s+1h;", body), path
        elif path.startswith("/webhooks/"):
            assert pattern == "/webhooks/", path
        elif re.search(r"/imports/?$", path):  # the upload (POST), and the list beside it
            assert "client_max_body_size 60m;" in body, path
            assert "proxy_request_buffering off;" in body, path
        elif re.search(r"/documents/(upload|[^/]+/upload)$", path):
            assert "client_max_body_size 25m;" in body, path
        elif path.startswith("/api/"):
            assert pattern == "/api/", path
    # The GraphQL endpoint itself (strawberry's router) is one route; check it too.
    assert location_for("/graphql")[1] == "/graphql"
