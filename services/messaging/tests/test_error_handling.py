"""Every error class of platform-facts §A2 maps to the documented handling."""

from __future__ import annotations

import pytest

from parley.messaging.domain.errors import TABLE, handling


@pytest.mark.parametrize("code", [4, 80007, 130429, 131056, 131000, 131016, 133004, 2, 131057])
def test_throttling_and_transient_codes_are_retried_with_a_growing_wait(code: int) -> None:
    rule = handling(code)
    assert rule.action == "retry"
    assert rule.first_delay > 0
    assert rule.delay(2) >= rule.delay(1)


def test_the_pair_limit_waits_4_to_the_x_seconds() -> None:
    assert [handling(131056).delay(n) for n in (1, 2, 3)] == [1.0, 4.0, 16.0]


def test_the_per_user_marketing_limit_waits_at_least_a_day_and_tries_once() -> None:
    rule = handling(131049)
    assert (rule.action, rule.delay(1), rule.attempts) == ("retry", 86_400.0, 1)


@pytest.mark.parametrize("code", [368, 131031, 131048, 190, 0, 3, 10, 250, 131042])
def test_account_level_problems_pause_the_number(code: int) -> None:
    rule = handling(code)
    assert rule.action == "pause_number"
    assert rule.remedy


@pytest.mark.parametrize(
    "code", [131026, 131047, 131050, 130403, 100, 131009, 132000, 132001, 132015, 132016]
)
def test_never_retry_codes_fail_at_once_with_a_reason_and_a_remedy(code: int) -> None:
    rule = handling(code)
    assert rule.action == "fail"
    assert rule.reason
    assert rule.remedy


def test_undeliverable_recipients_are_flagged_and_unknown_codes_get_a_small_budget() -> None:
    assert handling(131026).contact_undeliverable
    assert not handling(131047).contact_undeliverable
    unknown = handling(999_999)
    assert (unknown.action, unknown.attempts) == ("retry", 3)
    assert "999999" in unknown.reason


def test_no_invented_template_codes() -> None:
    # platform-facts: Meta has no 132002-132004, 132006, 132009-132011, 132013 or 132014.
    invented = {132002, 132003, 132004, 132006, 132009, 132010, 132011, 132013, 132014}
    assert invented.isdisjoint(TABLE)
