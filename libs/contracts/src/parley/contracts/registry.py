"""The registry of contracts by wire name, and the upcasters that bring old payloads forward.

Every contract class registers itself when its module is imported (see `Message.__init_subclass__`).
An upcaster is a pure function from the payload dict of version N to that of version N+1; reading a
stored v1 event when the code is at v3 runs the v1->v2 and v2->v3 upcasters in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from parley.contracts.errors import MissingUpcaster, NewerThanCode, UnknownMessageType
from parley.contracts.strictness import resolve

if TYPE_CHECKING:
    from parley.contracts.envelope import Envelope
    from parley.contracts.messages import Message

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]


class Registry:
    def __init__(self) -> None:
        self._types: dict[str, type[Message]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, cls: type[Message]) -> None:
        existing = self._types.get(cls.wire_name)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise ValueError(
                f"wire name {cls.wire_name!r} is already taken by "
                f"{existing.__module__}.{existing.__qualname__}"
            )
        self._types[cls.wire_name] = cls

    def upcaster(self, wire_name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register `fn` as the step from `from_version` to `from_version + 1`."""

        def decorate(fn: Upcaster) -> Upcaster:
            key = (wire_name, from_version)
            if key in self._upcasters:
                raise ValueError(f"{wire_name}: an upcaster from v{from_version} already exists")
            self._upcasters[key] = fn
            return fn

        return decorate

    def get(self, wire_name: str) -> type[Message]:
        try:
            return self._types[wire_name]
        except KeyError:
            raise UnknownMessageType(wire_name) from None

    def __contains__(self, wire_name: object) -> bool:
        return wire_name in self._types

    def __iter__(self) -> Iterator[type[Message]]:
        return iter(sorted(self._types.values(), key=lambda c: c.wire_name))

    def upcast(self, wire_name: str, version: int, data: Payload) -> Payload:
        target = self.get(wire_name).schema_version
        if version > target:
            raise NewerThanCode(wire_name, version, target)
        while version < target:
            step = self._upcasters.get((wire_name, version))
            if step is None:
                raise MissingUpcaster(wire_name, version, target)
            data = step(dict(data))
            version += 1
        return data

    def decode(self, envelope: Envelope, *, strict: bool | None = None) -> Message:
        """The typed message inside an envelope, upcast to the code's schema version.

        `strict` forbids unknown fields, which is how tests catch a producer and a consumer that
        disagree; production reads tolerantly so an additive change never stops a consumer.
        None follows the process default (`parley.contracts.strictness`).
        """
        cls = self.get(envelope.type)
        data = self.upcast(envelope.type, envelope.schema_version, envelope.data)
        return cls.model_validate(data, extra="forbid" if resolve(strict) else None)


registry = Registry()
