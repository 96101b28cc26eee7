"""Readiness aggregation: every check is reported, a failing or hung one makes the whole unready."""

from __future__ import annotations

import asyncio

from parley.runtime.readiness import NotReady, evaluate


async def passes() -> str:
    return "fine"


async def refuses() -> str:
    raise NotReady("not connected")


async def crashes() -> str:
    raise ConnectionResetError


async def hangs() -> str:
    await asyncio.Event().wait()
    return "never"


async def test_ready_when_every_check_passes() -> None:
    readiness = await evaluate({"nats": passes, "postgres": passes})
    assert readiness.ready
    assert [(c.name, c.ok, c.detail) for c in readiness.checks] == [
        ("nats", True, "fine"),
        ("postgres", True, "fine"),
    ]


async def test_one_failing_check_makes_it_unready_and_is_named() -> None:
    readiness = await evaluate({"nats": refuses, "postgres": passes, "streams": crashes})
    assert not readiness.ready
    assert [(c.name, c.detail) for c in readiness.failing] == [
        ("nats", "not connected"),
        ("streams", "ConnectionResetError"),
    ]
    assert readiness.as_json()["failing"] == ["nats", "streams"]


async def test_a_hung_check_times_out_without_holding_up_the_others() -> None:
    readiness = await evaluate({"postgres": hangs, "nats": passes}, timeout=0.05)
    assert not readiness.ready
    [failing] = readiness.failing
    assert (failing.name, failing.detail) == ("postgres", "no answer within 0.05s")


async def test_no_checks_is_not_ready() -> None:
    assert not (await evaluate({})).ready
