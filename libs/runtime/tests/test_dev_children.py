"""What `parley dev` hands each service: the embedded servers' addresses, and ai-rag's Qdrant
files inside the stack's data directory (so `--data-dir` and `--reset` cover them too)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.runtime.cli.dev import DevOptions, _children
from parley.runtime.cli.roster import SERVICES


def options(data_dir: Path) -> DevOptions:
    return DevOptions(
        data_dir=data_dir,
        reset=False,
        nats_port=None,
        pg_port=None,
        health_port_base=9300,
        stop_timeout=5,
    )


def test_every_service_gets_the_servers_and_its_own_health_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QDRANT_PATH", raising=False)
    children = _children(options(tmp_path), "nats://127.0.0.1:1", "postgresql://x@127.0.0.1/p")
    assert [c.name for c in children] == list(SERVICES)
    assert {c.env["NATS_URL"] for c in children} == {"nats://127.0.0.1:1"}
    assert len({c.env["HEALTH_PORT"] for c in children}) == len(SERVICES)
    qdrant = {c.name: c.env.get("QDRANT_PATH") for c in children}
    assert qdrant.pop("ai-rag") == str(tmp_path.resolve() / "qdrant")
    assert set(qdrant.values()) == {None}


def test_a_qdrant_path_of_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QDRANT_PATH", "/srv/qdrant")
    children = _children(options(tmp_path), "nats://127.0.0.1:1", "postgresql://x@127.0.0.1/p")
    assert {c.name: c.env["QDRANT_PATH"] for c in children}["ai-rag"] == "/srv/qdrant"
