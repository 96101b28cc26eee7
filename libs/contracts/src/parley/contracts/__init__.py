"""Parley's contracts: every event, command and query, their envelope, subjects and streams."""

from parley.contracts import system
from parley.contracts.envelope import Envelope
from parley.contracts.errors import ContractError, MissingUpcaster, UnknownMessageType
from parley.contracts.ids import new_id
from parley.contracts.messages import Command, Event, Message, Query, Reply
from parley.contracts.registry import Registry, registry

__all__ = [
    "Command",
    "ContractError",
    "Envelope",
    "Event",
    "Message",
    "MissingUpcaster",
    "Query",
    "Registry",
    "Reply",
    "UnknownMessageType",
    "new_id",
    "registry",
    "system",
]
