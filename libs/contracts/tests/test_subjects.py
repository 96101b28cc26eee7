from __future__ import annotations

import pytest

from parley.contracts.streams import CATALOG
from parley.contracts.subjects import (
    InvalidSubjectToken,
    command_subject,
    event_subject,
    snapshot_subject,
)


def test_subjects_follow_context_kind_workspace_id() -> None:
    assert event_subject("exec", "ws1", "e-42") == "exec.evt.ws1.e-42"
    assert command_subject("messaging", "ws1", "m1") == "messaging.cmd.ws1.m1"
    assert snapshot_subject("exec.evt.ws1.e-42") == "exec.snap.ws1.e-42"


@pytest.mark.parametrize("bad", ["", "a.b", "*", ">", "a b", "x" * 129])
def test_a_token_cannot_inject_levels_or_wildcards(bad: str) -> None:
    with pytest.raises(InvalidSubjectToken, match="workspace_id"):
        event_subject("exec", bad, "id")


def test_catalog_streams_do_not_overlap() -> None:
    prefixes = [s.split(".")[0] for spec in CATALOG for s in spec.all_subjects()]
    assert len(prefixes) == len(set(prefixes))
    assert len({spec.name for spec in CATALOG}) == len(CATALOG)
