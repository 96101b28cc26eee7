"""The process entry point of a service: observability first, then run until a signal."""

from __future__ import annotations

import asyncio
import signal

from parley.runtime.logs import configure_logging, get_logger
from parley.runtime.service.core import Service
from parley.runtime.tracing import configure_tracing

log = get_logger("parley.runtime.service")


def run_service(service: Service) -> None:
    """Run `service` in this process; exit 0 after a clean stop on SIGTERM or SIGINT, 1 when
    start-up fails (the reason is logged)."""
    settings = service.settings
    configure_logging(
        service.name,
        level=settings.log_level,
        fmt=settings.log_format,
        environment=settings.parley_env,
    )
    configure_tracing(
        service.name, service.version, service.instance_id, exporter=settings.otel_traces_exporter
    )
    raise SystemExit(asyncio.run(_until_signalled(service)))


async def _until_signalled(service: Service) -> int:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, service.stop)
    log.info("service starting", version=service.version, instance_id=service.instance_id)
    try:
        await service.run()
    except Exception:
        log.exception("service failed")
        return 1
    return 0
