"""A tiny aggregate used by the event store tests: a ledger of deposits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import Field

from parley.contracts.messages import Command, Event, Message


class Deposited(Event, wire_name="test.Deposited", version=1):
    amount: int = Field(gt=0)


class LedgerSnapshot(Event, wire_name="test.LedgerSnapshot", version=1):
    balance: int
    deposits: int


class Deposit(Command, wire_name="test.Deposit", version=1):
    amount: int
    twice: bool = False  # decide two events in one decision (an atomic batch)


@dataclass(frozen=True)
class Ledger:
    balance: int = 0
    deposits: int = 0


class LedgerDecider:
    def initial_state(self) -> Ledger:
        return Ledger()

    def evolve(self, state: Ledger, event: Message) -> Ledger:
        if isinstance(event, Deposited):
            return Ledger(state.balance + event.amount, state.deposits + 1)
        if isinstance(event, LedgerSnapshot):
            return Ledger(event.balance, event.deposits)
        return state

    def decide(self, state: Ledger, command: Deposit) -> Sequence[Message]:
        events = [Deposited(amount=command.amount)]
        return events * 2 if command.twice else events

    def snapshot(self, state: Ledger) -> Message | None:
        return LedgerSnapshot(balance=state.balance, deposits=state.deposits)
