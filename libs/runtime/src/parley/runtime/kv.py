"""Compare-and-set updates on JetStream KV: shared mutable state for every replica."""

from __future__ import annotations

import asyncio
import dataclasses
import weakref
from collections.abc import Callable

from nats.aio.client import Client as NatsClient
from nats.js.api import KeyValueConfig
from nats.js.errors import BucketNotFoundError, KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from parley.runtime.errors import TooMuchContention

# The replicas a connection's new buckets get (STREAM_REPLICAS, set by the service once
# connected), so that every component's bucket has it without each being told; keyed on the
# connection because tests run several services, each its own connection, in one process.
_REPLICAS: weakref.WeakKeyDictionary[NatsClient, int] = weakref.WeakKeyDictionary()


def set_bucket_replicas(nc: NatsClient, replicas: int) -> None:
    """Buckets created through `nc` from now on get at least `replicas` replicas."""
    _REPLICAS[nc] = replicas


def bucket_config(nc: NatsClient, config: KeyValueConfig) -> KeyValueConfig:
    """`config` with the connection's replicas, unless it asks for more itself."""
    replicas = max(config.replicas, _REPLICAS.get(nc, 1))
    return config if replicas == config.replicas else dataclasses.replace(config, replicas=replicas)


async def cas_update(
    kv: KeyValue,
    key: str,
    change: Callable[[bytes | None], bytes | None],
    *,
    max_attempts: int = 50,
) -> tuple[bytes | None, int | None]:
    """Apply `change` to the key's current value (None if absent) atomically.

    `change` must be pure: on a lost race it runs again on the newer value. It returns None to
    leave the value as it is, and then nothing is written. Returns the value stored now and its
    revision (None, None for a key that is absent and stays so).
    """
    for _ in range(max_attempts):
        try:
            entry = await kv.get(key)
            current, revision = entry.value, entry.revision
        except KeyNotFoundError:
            current, revision = None, None
        new = change(current)
        if new is None:
            return current, revision
        try:
            if revision is None:
                stored_revision = await kv.create(key, new)
            else:
                stored_revision = await kv.update(key, new, last=revision)
        except KeyWrongLastSequenceError:
            continue
        return new, stored_revision
    raise TooMuchContention(f"key {key!r}: no update succeeded in {max_attempts} attempts")


class LazyBucket:
    """A KV bucket opened (or created) on first use, so a component can be built before NATS
    connects. Creating a bucket that exists with the same config is accepted by the server, so
    replicas racing to create it all succeed."""

    def __init__(self, nc: NatsClient, config: KeyValueConfig) -> None:
        self._nc = nc
        self._config = config
        self._bucket: KeyValue | None = None
        self._opening = asyncio.Lock()

    async def __call__(self) -> KeyValue:
        if self._bucket is None:
            async with self._opening:
                if self._bucket is None:
                    self._bucket = await self._open()
        return self._bucket

    async def _open(self) -> KeyValue:
        js = self._nc.jetstream()
        try:
            return await js.key_value(self._config.bucket)
        except BucketNotFoundError:
            return await js.create_key_value(bucket_config(self._nc, self._config))
