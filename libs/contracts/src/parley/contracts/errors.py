"""Errors raised while reading contracts."""

from __future__ import annotations


class ContractError(Exception):
    """A message could not be understood."""


class UnknownMessageType(ContractError):
    def __init__(self, wire_name: str) -> None:
        super().__init__(f"unknown message type {wire_name!r}: no contract is registered under it")
        self.wire_name = wire_name


class MissingUpcaster(ContractError):
    def __init__(self, wire_name: str, from_version: int, to_version: int) -> None:
        super().__init__(
            f"{wire_name}: no upcaster from schema_version {from_version} towards {to_version}"
        )


class NewerThanCode(ContractError):
    def __init__(self, wire_name: str, stored: int, known: int) -> None:
        super().__init__(
            f"{wire_name}: stored schema_version {stored} is newer than this code's {known}; "
            "deploy the newer service before it reads this stream"
        )
