"""Create or update JetStream streams from the contracts' catalog."""

from __future__ import annotations

from collections.abc import Iterable

from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import APIError, NotFoundError

from parley.contracts.streams import StreamSpec


def stream_config(spec: StreamSpec, *, replicas: int = 1) -> StreamConfig:
    return StreamConfig(
        name=spec.name,
        description=spec.description,
        subjects=spec.all_subjects(),
        storage=StorageType.FILE,
        num_replicas=replicas,
        duplicate_window=spec.duplicate_window.total_seconds(),
        max_age=spec.max_age.total_seconds() if spec.max_age else None,
        allow_direct=True,
        # Snapshots replace their predecessor with a subject rollup.
        allow_rollup_hdrs=spec.atomic or spec.schedules,
        allow_atomic=True if spec.atomic else None,
        allow_msg_schedules=True if spec.schedules else None,
        allow_msg_counter=True if spec.counter else None,
    )


async def ensure_stream(js: JetStreamContext, spec: StreamSpec, *, replicas: int = 1) -> None:
    """Idempotent: several replicas of a service may run this at the same time."""
    config = stream_config(spec, replicas=replicas)
    try:
        await js.stream_info(spec.name)
    except NotFoundError:
        try:
            await js.add_stream(config)
            return
        except APIError:
            # Another process created it between our check and our add: fall through to update.
            await js.stream_info(spec.name)
    await js.update_stream(config)


async def ensure_streams(
    js: JetStreamContext, specs: Iterable[StreamSpec], *, replicas: int = 1
) -> None:
    for spec in specs:
        await ensure_stream(js, spec, replicas=replicas)
