"""Registry, envelope and upcasting: pure, no I/O."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from parley.contracts import Envelope, Event, MissingUpcaster, Registry, UnknownMessageType
from parley.contracts.errors import NewerThanCode
from parley.contracts.registry import registry


class CustomerRenamed(Event, wire_name="test.CustomerRenamed", version=2):
    """v1 had a single `name`; v2 splits it."""

    first_name: str
    last_name: str


@registry.upcaster("test.CustomerRenamed", from_version=1)
def _split_name(data: dict[str, Any]) -> dict[str, Any]:
    first, _, last = data.pop("name").partition(" ")
    return {**data, "first_name": first, "last_name": last}


def stored_v1(name: str) -> Envelope:
    current = Envelope.wrap(CustomerRenamed(first_name="x", last_name="y"), workspace_id="w")
    return current.model_copy(update={"schema_version": 1, "data": {"name": name}})


def test_a_stored_v1_event_is_read_as_v2() -> None:
    message = registry.decode(stored_v1("Ada Lovelace"), strict=True)
    assert message == CustomerRenamed(first_name="Ada", last_name="Lovelace")


def test_envelope_round_trips_through_bytes() -> None:
    envelope = Envelope.wrap(
        CustomerRenamed(first_name="A", last_name="B"), workspace_id="w1", traceparent="00-abc"
    )
    again = Envelope.from_bytes(envelope.to_bytes(), strict=True)
    assert again == envelope
    assert again.correlation_id == envelope.event_id  # a first message starts its correlation
    assert again.type == "test.CustomerRenamed"


def test_caused_messages_keep_the_correlation() -> None:
    cause = Envelope.wrap(CustomerRenamed(first_name="A", last_name="B"), workspace_id="w1")
    effect = cause.caused(CustomerRenamed(first_name="C", last_name="D"))
    assert effect.correlation_id == cause.correlation_id
    assert effect.causation_id == cause.event_id
    assert effect.workspace_id == "w1"


def test_strict_reading_forbids_unknown_fields_and_tolerant_reading_ignores_them() -> None:
    envelope = Envelope.wrap(CustomerRenamed(first_name="A", last_name="B"), workspace_id="w")
    extended = envelope.model_copy(update={"data": {**envelope.data, "nickname": "Al"}})
    assert registry.decode(extended, strict=False) == CustomerRenamed(first_name="A", last_name="B")
    with pytest.raises(ValidationError, match="nickname"):
        registry.decode(extended, strict=True)


def test_unknown_types_and_missing_upcasters_are_named() -> None:
    local = Registry()
    local.register(CustomerRenamed)
    with pytest.raises(MissingUpcaster, match="schema_version 1"):
        local.decode(stored_v1("A B"))
    unknown = stored_v1("A B").model_copy(update={"type": "test.Nope"})
    with pytest.raises(UnknownMessageType, match=r"test\.Nope"):
        local.decode(unknown)
    future = stored_v1("A B").model_copy(update={"schema_version": 3})
    with pytest.raises(NewerThanCode):
        registry.decode(future)


def test_a_wire_name_cannot_be_taken_twice() -> None:
    with pytest.raises(ValueError, match="already taken"):

        class Impostor(Event, wire_name="test.CustomerRenamed", version=1):
            name: str


def test_wire_names_need_a_context() -> None:
    with pytest.raises(ValueError, match=r"<context>\.<Name>"):

        class NoContext(Event, wire_name="Bare"):
            """A wire name without a context is refused at class creation."""


def test_tests_read_strictly_by_default() -> None:
    envelope = Envelope.wrap(CustomerRenamed(first_name="A", last_name="B"), workspace_id="w")
    extended = envelope.model_copy(update={"data": {**envelope.data, "nickname": "Al"}})
    with pytest.raises(ValidationError, match="nickname"):
        registry.decode(extended)  # PARLEY_STRICT_CONTRACTS=1, set by the pytest plugin
