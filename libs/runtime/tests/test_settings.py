"""A bad setting stops start-up with one line naming the variable and the rule, exit status 2."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from pydantic import ValidationError

from parley.runtime.settings import DEV_SECRET_KEY, ServiceSettings, format_errors, load_settings

_VARIABLES = (
    "PARLEY_ENV",
    "NATS_URL",
    "DATABASE_URL",
    "HEALTH_HOST",
    "HEALTH_PORT",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "SECRET_KEY",
    "STREAM_REPLICAS",
    "OTEL_TRACES_EXPORTER",
)
GOOD = {"NATS_URL": "nats://127.0.0.1:4222", "DATABASE_URL": "postgresql://u@127.0.0.1/db"}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A clean slate: none of the settings' variables set, then the good required ones."""
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in GOOD.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def errors_of(**overrides: str | None) -> list[str]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in overrides.items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        with pytest.raises(ValidationError) as caught:
            ServiceSettings()
    return format_errors(caught.value)


def test_a_missing_variable_is_named_with_its_rule(env: pytest.MonkeyPatch) -> None:
    assert errors_of(NATS_URL=None) == ["config error: NATS_URL: required, not set"]


def test_an_invalid_variable_is_named_with_its_rule_and_value(env: pytest.MonkeyPatch) -> None:
    assert errors_of(NATS_URL="http://x") == [
        "config error: NATS_URL: must start with nats:// or tls:// (got 'http://x')"
    ]


def test_each_bad_variable_gets_exactly_one_line(env: pytest.MonkeyPatch) -> None:
    lines = errors_of(DATABASE_URL=None, HEALTH_PORT="0", LOG_FORMAT="xml", STREAM_REPLICAS="nine")
    assert lines == [
        "config error: DATABASE_URL: required, not set",
        "config error: HEALTH_PORT: must be >= 1 (got '0')",
        "config error: LOG_FORMAT: must be one of 'auto', 'json', 'console' (got 'xml')",
        "config error: STREAM_REPLICAS: must be a whole number (got 'nine')",
    ]


def test_placeholder_secret_is_refused_in_production_without_echoing_it(
    env: pytest.MonkeyPatch,
) -> None:
    placeholder = "change-me-" * 4
    [line] = errors_of(PARLEY_ENV="production", SECRET_KEY=placeholder)
    assert line.startswith("config error: SECRET_KEY: is a placeholder, refused when PARLEY_ENV=")
    assert placeholder not in line


@pytest.mark.parametrize("secret", ["dev-secret-" + "x" * 32, "my-placeholder-" + "x" * 32])
def test_other_placeholders_are_refused_outside_development(
    env: pytest.MonkeyPatch, secret: str
) -> None:
    [line] = errors_of(PARLEY_ENV="test", SECRET_KEY=secret)
    assert "SECRET_KEY: is a placeholder" in line


def test_a_secret_is_required_outside_development(env: pytest.MonkeyPatch) -> None:
    [line] = errors_of(PARLEY_ENV="production")
    assert line.startswith("config error: SECRET_KEY: required when PARLEY_ENV=production")


def test_a_short_secret_is_refused(env: pytest.MonkeyPatch) -> None:
    assert errors_of(PARLEY_ENV="production", SECRET_KEY="s3cr3t") == [
        "config error: SECRET_KEY: must be at least 32 characters (got 6)"
    ]


def test_development_runs_with_the_fixed_dev_secret(env: pytest.MonkeyPatch) -> None:
    settings = ServiceSettings()
    assert settings.parley_env == "development"
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == DEV_SECRET_KEY


def test_production_accepts_a_real_configuration(env: pytest.MonkeyPatch) -> None:
    secret = secrets.token_hex(32)
    env.setenv("PARLEY_ENV", "production")
    env.setenv("SECRET_KEY", secret)
    env.setenv("LOG_LEVEL", "warning")
    env.setenv("STREAM_REPLICAS", "3")
    settings = load_settings(ServiceSettings)
    assert (settings.log_level, settings.stream_replicas) == ("WARNING", 3)
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == secret


def test_load_settings_exits_with_status_2(
    env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.setenv("HEALTH_PORT", "70000")
    with pytest.raises(SystemExit) as stopped:
        load_settings(ServiceSettings)
    assert stopped.value.code == 2
    assert capsys.readouterr().err == "config error: HEALTH_PORT: must be <= 65535 (got '70000')\n"


def run_crm(**variables: str) -> subprocess.CompletedProcess[str]:
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run(
        [sys.executable, "-m", "parley.crm"],
        env={**keep, **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_service_with_a_missing_setting_does_not_start() -> None:
    result = run_crm(DATABASE_URL=GOOD["DATABASE_URL"])
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["config error: NATS_URL: required, not set"]
    assert result.stdout == ""


def test_service_with_an_invalid_setting_does_not_start() -> None:
    result = run_crm(NATS_URL="http://x", DATABASE_URL=GOOD["DATABASE_URL"])
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "config error: NATS_URL: must start with nats:// or tls:// (got 'http://x')"
    ]
