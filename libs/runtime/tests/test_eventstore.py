"""The event store against a real JetStream server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Event
from parley.contracts.registry import registry
from parley.contracts.subjects import event_subject
from parley.runtime.eventstore import ConcurrencyError, EventStore, SnapshotPolicy, execute

from .conftest import FreshStream
from .ledger import Deposit, Deposited, LedgerDecider, LedgerSnapshot

WS = "ws1"


def deposit(amount: int) -> Envelope:
    return Envelope.wrap(Deposited(amount=amount), workspace_id=WS)


def store_for(nc: NatsClient, stream: FreshStream) -> EventStore:
    return EventStore(nc, stream.name, strict=True)


async def test_append_then_load_returns_typed_events_in_order(
    nc: NatsClient, fresh_stream: FreshStream
) -> None:
    store = store_for(nc, fresh_stream)
    subject = event_subject(fresh_stream.context, WS, "acc1")
    version = 0
    for amount in (5, 7, 11):
        version = (await store.append(subject, [deposit(amount)], version)).last_sequence
    loaded = await store.load(subject)
    assert [e.message for e in loaded] == [Deposited(amount=a) for a in (5, 7, 11)]
    assert [e.sequence for e in loaded] == sorted(e.sequence for e in loaded)
    assert await store.last_sequence(subject) == version


async def test_racing_writers_exactly_one_wins_and_the_other_succeeds_after_reload(
    nc: NatsClient, fresh_stream: FreshStream
) -> None:
    store = store_for(nc, fresh_stream)
    subject = event_subject(fresh_stream.context, WS, "race")
    first = await store.append(subject, [deposit(1)], 0)

    outcomes = await asyncio.gather(
        store.append(subject, [deposit(10)], first.last_sequence),
        store.append(subject, [deposit(20)], first.last_sequence),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert isinstance(losers[0], ConcurrencyError)
    assert losers[0].actual == winners[0].last_sequence

    # The loser reloads, sees the winner's event, and appends on top of it.
    reloaded = await store.load_aggregate(subject)
    retry = await store.append(subject, [deposit(30)], reloaded.version)
    assert retry.last_sequence > reloaded.version
    amounts = [e.message.amount for e in await store.load(subject)]  # type: ignore[attr-defined]
    assert len(amounts) == 3
    assert amounts[0] == 1
    assert amounts[-1] == 30


async def test_concurrent_deciders_both_land_through_execute(
    nc: NatsClient, fresh_stream: FreshStream
) -> None:
    store = store_for(nc, fresh_stream)
    subject = event_subject(fresh_stream.context, WS, "exec")
    decider = LedgerDecider()
    commands = [Envelope.wrap(Deposit(amount=n), workspace_id=WS) for n in (3, 4, 5, 6)]
    outcomes = await asyncio.gather(
        *(
            execute(store, subject, decider, Deposit(amount=n), cause=c)
            for n, c in zip((3, 4, 5, 6), commands, strict=True)
        )
    )
    assert sum(e.message.amount for e in await store.load(subject)) == 18  # type: ignore[attr-defined]
    assert max(o.attempts for o in outcomes) > 1  # someone lost a race and decided again


async def test_same_msg_id_twice_is_stored_once(nc: NatsClient, fresh_stream: FreshStream) -> None:
    store = store_for(nc, fresh_stream)
    subject = event_subject(fresh_stream.context, WS, "dup")
    event = deposit(9)
    first = await store.append(subject, [event], None)
    second = await store.append(subject, [event], None)
    assert not first.duplicate
    assert second.duplicate
    assert second.last_sequence == first.last_sequence
    assert len(await store.load(subject)) == 1


async def test_retry_of_an_append_whose_ack_was_lost_is_a_duplicate_not_a_conflict(
    nc: NatsClient, fresh_stream: FreshStream
) -> None:
    store = store_for(nc, fresh_stream)
    subject = event_subject(fresh_stream.context, WS, "lost-ack")
    single = [deposit(1)]
    batch = [deposit(2), deposit(3)]
    await store.append(subject, single, 0)
    assert (await store.append(subject, single, 0)).duplicate
    after_single = await store.last_sequence(subject)
    await store.append(subject, batch, after_single)
    again = await store.append(subject, batch, after_single)
    assert again.duplicate
    assert len(await store.load(subject)) == 3


async def test_a_multi_event_decision_is_one_message_refused_whole_on_conflict(
    nc: NatsClient, fresh_stream: FreshStream
) -> None:
    store = store_for(nc, fresh_stream)
    subject = event_subject(fresh_stream.context, WS, "batch")
    result = await store.append(subject, [deposit(1), deposit(2), deposit(3)], 0)
    assert result.last_sequence == result.first_sequence  # one commit message
    loaded = await store.load(subject)
    assert [(e.sequence, e.position) for e in loaded] == [
        (result.last_sequence, n) for n in range(3)
    ]
    raw = await nc.jetstream().get_last_msg(fresh_stream.name, subject)
    assert (raw.headers or {})["Parley-Type"] == ",".join(["test.Deposited"] * 3)

    with pytest.raises(ConcurrencyError):
        await store.append(subject, [deposit(4), deposit(5)], 0)  # stale expectation
    assert [e.message.amount for e in await store.load(subject)] == [1, 2, 3]  # type: ignore[attr-defined]


async def test_snapshots_shorten_the_load_and_fold_to_the_same_state(
    nc: NatsClient, fresh_stream: FreshStream
) -> None:
    store = store_for(nc, fresh_stream)
    subject = event_subject(fresh_stream.context, WS, "snap")
    decider = LedgerDecider()
    policy = SnapshotPolicy(every=5)
    for n in range(1, 13):
        cause = Envelope.wrap(Deposit(amount=n, twice=n % 4 == 0), workspace_id=WS)
        await execute(
            store, subject, decider, Deposit(amount=n, twice=n % 4 == 0), cause=cause, policy=policy
        )

    loaded = await store.load_aggregate(subject)
    assert loaded.snapshot is not None
    assert isinstance(loaded.snapshot.message, LedgerSnapshot)
    assert len(loaded.events) < 5
    from_snapshot = decider.initial_state()
    for stored in loaded.all():
        from_snapshot = decider.evolve(from_snapshot, stored.message)
    full = decider.initial_state()
    for stored in await store.load(subject):
        full = decider.evolve(full, stored.message)
    assert from_snapshot == full
    assert full.balance == sum(range(1, 13)) + 4 + 8 + 12


async def test_load_reads_subjects_longer_than_one_direct_get_batch(
    nc: NatsClient, fresh_stream: FreshStream
) -> None:
    store = store_for(nc, fresh_stream)
    subject = event_subject(fresh_stream.context, WS, "long")
    other = event_subject(fresh_stream.context, WS, "other")
    js = nc.jetstream()
    for i in range(2300):
        target = subject if i % 3 else other
        await js.publish(target, deposit(i + 1).to_bytes())
    loaded = await store.load(subject)
    assert len(loaded) == sum(1 for i in range(2300) if i % 3)
    assert all(e.subject == subject for e in loaded)
    assert (await store.load(subject, after=loaded[-2].sequence))[0].sequence == loaded[-1].sequence


class AccountOpened(Event, wire_name="test.AccountOpened", version=2):
    """v1 stored `owner` as one string; v2 names the currency too, defaulting old events."""

    owner: str
    currency: str


@registry.upcaster("test.AccountOpened", from_version=1)
def _add_currency(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "currency": "EUR"}


async def test_an_upcaster_turns_a_stored_v1_event_into_v2_on_read(
    nc: NatsClient, fresh_stream: FreshStream
) -> None:
    subject = event_subject(fresh_stream.context, WS, "legacy")
    v2 = Envelope.wrap(AccountOpened(owner="Ada", currency="USD"), workspace_id=WS)
    as_written_by_v1 = v2.model_copy(update={"schema_version": 1, "data": {"owner": "Ada"}})
    await nc.jetstream().publish(subject, as_written_by_v1.to_bytes())  # what old code stored

    [stored] = await store_for(nc, fresh_stream).load(subject)

    assert stored.message == AccountOpened(owner="Ada", currency="EUR")
    assert stored.envelope.schema_version == 1  # the log itself is never rewritten


async def test_the_same_batch_appended_concurrently_is_stored_once(
    nc: NatsClient, fresh_stream: FreshStream
) -> None:
    store = store_for(nc, fresh_stream)
    subject = event_subject(fresh_stream.context, WS, "same-batch")
    batch = [deposit(1), deposit(2)]  # one decision, redelivered to three workers at once
    results = await asyncio.gather(*(store.append(subject, batch, 0) for _ in range(3)))
    assert sorted(r.duplicate for r in results) == [False, True, True]
    assert [e.envelope.event_id for e in await store.load(subject)] == [e.event_id for e in batch]
