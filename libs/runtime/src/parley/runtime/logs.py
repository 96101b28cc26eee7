"""Structured logs: JSON for machines, console for people, the same fields either way.

Every line carries the service name, and the workspace, correlation and execution ids bound for
the work in progress (`log_context`). The standard `logging` module goes through the same
processors, so lines from nats-py, aiohttp or SQLAlchemy look like ours.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

Format = Literal["auto", "json", "console"]
_FIRST = ("timestamp", "level", "service", "event")


def resolve_format(fmt: Format, *, environment: str, stream: TextIO) -> Literal["json", "console"]:
    """`auto`: JSON in production and whenever the output is not a terminal (files, collectors)."""
    if fmt != "auto":
        return fmt
    if environment == "production" or not stream.isatty():
        return "json"
    return "console"


def _colors_wanted(stream: TextIO) -> bool:
    # FORCE_COLOR lets `parley dev` keep colors when it pipes a child's output to a terminal.
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or stream.isatty()


def _add_service(service: str) -> Processor:
    def add(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
        event.setdefault("service", service)
        return event

    return add


def _leading_keys(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    # JSON keeps insertion order: put what a reader scans for first.
    first = {key: event.pop(key) for key in _FIRST if key in event}
    return {**first, **event}


def configure_logging(
    service: str,
    *,
    level: str = "INFO",
    fmt: Format = "auto",
    environment: str = "development",
    stream: TextIO | None = None,
) -> None:
    out = stream or sys.stdout
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_service(service),
        structlog.processors.StackInfoRenderer(),
    ]
    renderer: Processor
    if resolve_format(fmt, environment=environment, stream=out) == "json":
        shared.append(structlog.processors.format_exc_info)
        shared.append(_leading_keys)
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=_colors_wanted(out))

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    # Health probes hit the health server every few seconds; their access lines are noise, as
    # is Alembic's banner on every start (the runner logs what it migrated itself).
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger


@contextmanager
def log_context(
    *,
    workspace_id: str | None = None,
    correlation_id: str | None = None,
    execution_id: str | None = None,
) -> Iterator[None]:
    """Bind the ids of the work at hand to every line logged inside the block (task-local)."""
    ids = {
        "workspace_id": workspace_id,
        "correlation_id": correlation_id,
        "execution_id": execution_id,
    }
    with structlog.contextvars.bound_contextvars(
        **{key: value for key, value in ids.items() if value is not None}
    ):
        yield
