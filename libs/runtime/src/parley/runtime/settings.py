"""Service settings from the environment, validated once at start-up.

Each service subclasses `ServiceSettings` (at least to give its own `HEALTH_PORT` default) and
builds it with `load_settings`, which turns a validation failure into one line per bad variable,
named as the operator typed it, and exit status 2, instead of a traceback.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Port = Annotated[int, Field(ge=1, le=65535)]
Environment = Literal["development", "test", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

MIN_SECRET_LENGTH = 32
# Development may run with a known key; any other environment must bring its own.
DEV_SECRET_KEY = "dev-secret-key-for-local-development-only"
_PLACEHOLDER_MARKERS = ("change-me", "changeme", "change_me", "placeholder", "dev-secret")

# `otlp` needs an optional exporter package; checking here turns a missing package into a
# config error at start-up rather than a traceback from the tracing setup.
_OTLP_MODULE = "opentelemetry.exporter.otlp.proto.http.trace_exporter"


class ServiceSettings(BaseSettings):
    """Settings every service shares. Field `nats_url` is read from `NATS_URL`, and so on."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", frozen=True)

    parley_env: Environment = "development"
    nats_url: str
    database_url: str
    health_host: str = "127.0.0.1"
    health_port: Port = 9100
    log_level: LogLevel = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"
    secret_key: SecretStr | None = Field(default=None, validate_default=True)
    stream_replicas: int = Field(default=1, ge=1, le=5)
    otel_traces_exporter: Literal["none", "console", "otlp"] = "none"

    @field_validator("nats_url")
    @classmethod
    def _nats_scheme(cls, value: str) -> str:
        # A cluster's nodes may be listed, comma separated: each must be a NATS address.
        parts = [part.strip() for part in value.split(",")]
        if not all(part.startswith(("nats://", "tls://")) for part in parts):
            raise ValueError("must start with nats:// or tls://")
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_scheme(cls, value: str) -> str:
        if not value.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://")):
            raise ValueError("must start with postgresql://")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("secret_key")
    @classmethod
    def _real_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr:
        env = info.data.get("parley_env", "development")
        if value is None:
            if env == "development":
                return SecretStr(DEV_SECRET_KEY)
            raise ValueError(f"required when PARLEY_ENV={env} (e.g. `openssl rand -hex 32`)")
        secret = value.get_secret_value()
        if env != "development" and any(m in secret.lower() for m in _PLACEHOLDER_MARKERS):
            raise ValueError(
                f"is a placeholder, refused when PARLEY_ENV={env}; "
                "set a random value (e.g. `openssl rand -hex 32`)"
            )
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"must be at least {MIN_SECRET_LENGTH} characters (got {len(secret)})")
        return value

    @field_validator("otel_traces_exporter")
    @classmethod
    def _exporter_installed(cls, value: str) -> str:
        if value == "otlp" and not _module_available(_OTLP_MODULE):
            raise ValueError("otlp needs the opentelemetry-exporter-otlp-proto-http package")
        return value


def _module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


S = TypeVar("S", bound=ServiceSettings)

_SECRET_FIELDS = frozenset({"secret_key"})


def _rule(error: Any) -> str:
    """A short rule for one pydantic error, in the operator's terms rather than pydantic's."""
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    if kind == "missing":
        return "required, not set"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '').replace(' or ', ', ')}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "must be a whole number"
    if kind == "greater_than_equal":
        return f"must be >= {ctx['ge']}"
    if kind == "less_than_equal":
        return f"must be <= {ctx['le']}"
    message: str = error["msg"]
    return message[:1].lower() + message[1:]


def format_errors(exc: ValidationError) -> list[str]:
    """One `config error: VAR: rule (got 'value')` line per bad variable."""
    rules: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "settings"
        rules.setdefault(field, []).append(_rule(error))
        value = error.get("input")
        if error["type"] != "missing" and field not in _SECRET_FIELDS and isinstance(value, str):
            shown[field] = f" (got {value!r})"
    return [
        f"config error: {field.upper()}: {'; '.join(dict.fromkeys(found))}{shown.get(field, '')}"
        for field, found in rules.items()
    ]


def load_settings(cls: type[S]) -> S:
    """Build the settings or stop the process with exit status 2 and a readable reason."""
    try:
        return cls()
    except ValidationError as exc:
        for line in format_errors(exc):
            print(line, file=sys.stderr)
        raise SystemExit(2) from None
