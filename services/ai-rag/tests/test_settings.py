"""ai-rag's settings from the environment, as `parley dev` and deployments give them."""

from __future__ import annotations

import pytest

from parley.ai_rag.settings import AiRagSettings

BASE = {"DATABASE_URL": "postgresql://u@127.0.0.1/p", "NATS_URL": "nats://127.0.0.1:4222"}


def settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> AiRagSettings:
    for name, value in {**BASE, **env}.items():
        monkeypatch.setenv(name, value)
    return AiRagSettings()


def test_allowed_hosts_are_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = settings(monkeypatch, OUTBOUND_ALLOWED_HOSTS="Docs.Example.com, intranet ,")
    assert loaded.outbound_allowed_hosts == frozenset({"docs.example.com", "intranet"})


def test_a_key_alone_switches_answers_to_the_chat_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANSWERER", raising=False)
    assert settings(monkeypatch).answerer == "extractive"
    assert settings(monkeypatch, OPENAI_API_KEY="sk-test").answerer == "openai"
    assert settings(monkeypatch, OPENAI_API_KEY="sk-test", ANSWERER="extractive").answerer == (
        "extractive"
    )


def test_the_openai_embedder_without_a_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):
        settings(monkeypatch, EMBEDDER="openai")
