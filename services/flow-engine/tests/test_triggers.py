"""Trigger matching and flow selection: the rules in `domain/triggers/__init__.py`, one by one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from parley.contracts.flows.graph import Trigger
from parley.flow_engine.domain.triggers import (
    NO_MATCH_REASON,
    WAITING_REASON,
    ApiStart,
    ButtonReply,
    CampaignEnrollment,
    InboundText,
    PublishedFlow,
    Selection,
    Stimulus,
    TagAdded,
    matches,
    normalize_text,
    select_flows,
)

_TRIGGER = TypeAdapter[Trigger](Trigger)


def trigger(kind: str, **fields: Any) -> Trigger:
    return _TRIGGER.validate_python({"kind": kind, **fields})


def keyword(match: str, *keywords: str, **fields: Any) -> Trigger:
    return trigger("keyword", match=match, keywords=list(keywords), **fields)


def flow(flow_id: str, *triggers: Trigger, created: int = 0, version: int = 1) -> PublishedFlow:
    return PublishedFlow(flow_id, version, triggers, created)


def started(stimulus: Stimulus, *flows: PublishedFlow, waiting: bool = False) -> list[str]:
    return [m.flow_id for m in select_flows(stimulus, flows, waiting_execution=waiting).flows]


# --- normalization ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["HOLA", "hóla", " hola! ", "¡Hola!", "Hola?!", "\uff28\uff2f\uff2c\uff21", "hola."]
)
def test_equals_ignores_case_accents_width_and_surrounding_punctuation(text: str) -> None:
    assert matches(keyword("equals", "hola"), InboundText(text))


def test_keywords_are_normalized_like_messages() -> None:
    assert matches(keyword("equals", "Ação!"), InboundText("acao"))
    assert matches(keyword("equals", "  buenos   días "), InboundText("Buenos dias"))


def test_equals_compares_the_whole_message() -> None:
    assert not matches(keyword("equals", "hola"), InboundText("hola amigo"))


def test_normalize_text_collapses_whitespace_and_keeps_inner_punctuation() -> None:
    assert normalize_text("  Ça\tva\n BIEN? ") == "ca va bien?"
    assert normalize_text("Straße") == "strasse"


def test_emoji_and_symbols_do_not_crash_and_can_be_keywords() -> None:
    assert matches(keyword("equals", "👍"), InboundText(" 👍! "))
    assert not matches(keyword("equals", "hola"), InboundText("🎉🎉🎉"))
    assert matches(keyword("contains", "hola"), InboundText("hola 👋🏽"))


def test_a_punctuation_only_keyword_matches_only_that_punctuation() -> None:
    assert matches(keyword("equals", "?"), InboundText(" ? "))
    assert not matches(keyword("equals", "?"), InboundText(""))
    assert not matches(keyword("equals", "?"), InboundText("!"))


def test_a_blank_keyword_never_matches() -> None:
    assert not matches(keyword("equals", "   "), InboundText(""))
    assert not matches(keyword("contains", "  "), InboundText("anything at all"))


# --- contains and starts_with -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what is the price?", True),
        ("PRICE", True),
        ("price, please", True),
        ("the price's too high", True),
        ("priceless", False),
        ("overprice", False),
        ("prices", False),
    ],
)
def test_contains_matches_whole_words_only(text: str, expected: bool) -> None:
    assert matches(keyword("contains", "price"), InboundText(text)) is expected


def test_contains_matches_a_phrase_after_a_partial_word_occurrence() -> None:
    # The first "price" is inside "priceless"; the second one stands alone.
    assert matches(keyword("contains", "price"), InboundText("priceless, but what's the price"))


def test_contains_a_multi_word_phrase_across_accents_and_spacing() -> None:
    assert matches(keyword("contains", "más info"), InboundText("Quiero  MAS   INFO, gracias"))
    assert not matches(keyword("contains", "más info"), InboundText("más informacion"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("hi there", True), ("Hi!", True), ("¡Hi, friend", True), ("hiking", False), ("oh hi", False)],
)
def test_starts_with_requires_a_word_boundary(text: str, expected: bool) -> None:
    assert matches(keyword("starts_with", "hi"), InboundText(text)) is expected


# --- regex ------------------------------------------------------------------------------------


def test_regex_is_case_insensitive_by_default_on_the_original_text() -> None:
    assert matches(keyword("regex", r"^order #\d+$"), InboundText("ORDER #123"))
    # The original text: accents are not stripped for regex.
    assert not matches(keyword("regex", r"^cafe$"), InboundText("café"))


def test_regex_inline_flags_are_respected() -> None:
    assert not matches(keyword("regex", r"(?-i)^Order$"), InboundText("ORDER"))
    assert matches(keyword("regex", r"(?-i)^Order$"), InboundText("Order"))
    # A non-capturing group is not a flag and leaves the default case-insensitivity in place.
    assert matches(keyword("regex", r"(?:yes|si)"), InboundText("YES"))


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?=x)a", "(unclosed", "a{1001}"])
def test_a_stored_bad_pattern_is_no_match_not_a_crash(pattern: str) -> None:
    bad = keyword("regex", pattern, priority=50)
    good = keyword("equals", "aa")
    assert not matches(bad, InboundText("aa"))
    assert started(InboundText("aa"), flow("bad", bad), flow("good", good)) == ["good"]


def test_a_later_good_pattern_in_the_same_trigger_still_matches() -> None:
    assert matches(keyword("regex", r"(a)\1", r"^a+$"), InboundText("aa"))


def test_regex_over_a_message_beyond_the_length_cap_is_no_match() -> None:
    assert not matches(keyword("regex", "a"), InboundText("a" * 20_000))


# --- other trigger kinds ----------------------------------------------------------------------


def test_button_payload_matches_exactly_and_case_sensitively() -> None:
    buttons = trigger("button_payload", payloads=["BUY_NOW", "more"])
    assert matches(buttons, ButtonReply("BUY_NOW", "Buy", first_message=False))
    assert not matches(buttons, ButtonReply("buy_now", "Buy", first_message=False))
    assert not matches(buttons, InboundText("BUY_NOW"))


def test_keywords_do_not_match_button_titles() -> None:
    assert not matches(keyword("equals", "buy"), ButtonReply("p1", "Buy"))


def test_first_message_matches_only_new_contacts_text_or_button() -> None:
    first = trigger("first_message")
    assert matches(first, InboundText("hello", first_message=True))
    assert matches(first, ButtonReply("p", "t", first_message=True))
    assert not matches(first, InboundText("hello"))
    assert not matches(first, TagAdded("new"))


def test_any_inbound_matches_every_text_and_button_but_not_other_events() -> None:
    anything = trigger("any_inbound")
    assert matches(anything, InboundText(""))
    assert matches(anything, ButtonReply("p", "t"))
    assert not matches(anything, TagAdded("vip"))
    assert not matches(anything, ApiStart("f"))


def test_tag_added_matches_its_tag_case_insensitively() -> None:
    assert matches(trigger("tag_added", tag="VIP"), TagAdded("vip"))
    assert not matches(trigger("tag_added", tag="vip"), TagAdded("vip-gold"))
    assert not matches(trigger("tag_added", tag=""), TagAdded(""))


# --- rule 1: a waiting execution takes the reply ----------------------------------------------


@pytest.mark.parametrize(
    "reply", [InboundText("hola"), ButtonReply("go", "Go", first_message=True)]
)
def test_a_reply_goes_to_the_waiting_execution(reply: Stimulus) -> None:
    flows = [
        flow("k", keyword("equals", "hola"), created=1),
        flow("b", trigger("button_payload", payloads=["go"]), created=2),
        flow("any", trigger("any_inbound", priority=100), created=3),
    ]
    assert select_flows(reply, flows, waiting_execution=True) == Selection((), WAITING_REASON)


def test_non_reply_stimuli_are_not_held_back_by_a_waiting_execution() -> None:
    tagged = flow("t", trigger("tag_added", tag="vip"))
    api = flow("a", trigger("api"))
    assert started(TagAdded("vip"), tagged, waiting=True) == ["t"]
    assert started(ApiStart("a"), api, waiting=True) == ["a"]


# --- rule 2: API and campaign name their flow -------------------------------------------------


def test_api_start_selects_exactly_the_named_flow_ignoring_priorities() -> None:
    flows = [
        flow("low", trigger("api", priority=-100)),
        flow("high", trigger("api", priority=100)),
    ]
    selection = select_flows(ApiStart("low"), flows, waiting_execution=False)
    assert [(m.flow_id, m.trigger_kind, m.priority) for m in selection.flows] == [
        ("low", "api", -100)
    ]
    assert selection.reason == "flow 'low' started by an API call"


def test_api_start_of_a_flow_without_an_api_trigger_says_so() -> None:
    flows = [flow("c", trigger("campaign"), keyword("equals", "x"))]
    selection = select_flows(ApiStart("c"), flows, waiting_execution=False)
    assert selection.flows == ()
    assert "has no API trigger" in selection.reason


def test_campaign_enrollment_needs_a_campaign_trigger() -> None:
    flows = [flow("c", keyword("equals", "x"), trigger("campaign")), flow("a", trigger("api"))]
    selection = select_flows(CampaignEnrollment("c"), flows, waiting_execution=False)
    assert [(m.flow_id, m.trigger_index) for m in selection.flows] == [("c", 1)]
    refused = select_flows(CampaignEnrollment("a"), flows, waiting_execution=False)
    assert refused.flows == ()
    assert "has no campaign trigger" in refused.reason


def test_starting_an_unknown_flow_says_it_is_not_published() -> None:
    selection = select_flows(ApiStart("ghost"), [], waiting_execution=False)
    assert selection.flows == ()
    assert "'ghost' is not published" in selection.reason


# --- rule 4: priority, specificity, creation order, exclusivity -------------------------------


def test_no_match_says_so() -> None:
    assert select_flows(
        InboundText("bye"), [flow("k", keyword("equals", "hola"))], waiting_execution=False
    ) == Selection((), NO_MATCH_REASON)


def test_of_two_exclusive_matches_the_higher_priority_starts_alone() -> None:
    flows = [
        flow("low", keyword("equals", "hola", priority=1), created=1),
        flow("high", trigger("any_inbound", priority=10), created=2),
    ]
    selection = select_flows(InboundText("hola"), flows, waiting_execution=False)
    assert [m.flow_id for m in selection.flows] == ["high"]
    assert selection.reason == (
        "flow 'high' matched any inbound message (priority 10, exclusive); "
        "also matched but not started, below an exclusive match: 'low'"
    )


def test_non_exclusive_matches_start_alongside_the_first_exclusive_one_below_them() -> None:
    flows = [
        flow("log", trigger("any_inbound", priority=50, exclusive=False), created=1),
        flow("main", keyword("equals", "hola", priority=10), created=2),
        flow("fallback", trigger("any_inbound", priority=0), created=3),
    ]
    selection = select_flows(InboundText("hola"), flows, waiting_execution=False)
    assert [m.flow_id for m in selection.flows] == ["log", "main"]
    assert selection.reason.startswith(
        "flow 'log' matched any inbound message (priority 50, not exclusive); "
        "flow 'main' matched keyword 'hola' (priority 10, exclusive)"
    )


def test_an_exclusive_match_stops_lower_non_exclusive_ones() -> None:
    flows = [
        flow("main", keyword("equals", "hola", priority=10), created=1),
        flow("log", trigger("any_inbound", priority=0, exclusive=False), created=2),
    ]
    assert started(InboundText("hola"), *flows) == ["main"]


def test_when_all_matches_are_non_exclusive_all_start_in_rank_order() -> None:
    flows = [
        flow("a", trigger("any_inbound", exclusive=False), created=1),
        flow("b", keyword("contains", "price", exclusive=False), created=2),
        flow("c", trigger("first_message", priority=5, exclusive=False), created=3),
    ]
    assert started(InboundText("the price", first_message=True), *flows) == ["c", "b", "a"]


def test_equal_priorities_are_broken_by_specificity() -> None:
    flows = [
        flow("any", trigger("any_inbound"), created=1),
        flow("first", trigger("first_message"), created=2),
        flow("regex", keyword("regex", "^hola"), created=3),
        flow("contains", keyword("contains", "hola"), created=4),
        flow("starts", keyword("starts_with", "hola"), created=5),
        flow("equals", keyword("equals", "hola amigo"), created=6),
    ]
    text = InboundText("Hola amigo", first_message=True)
    assert started(text, *flows) == ["equals"]
    non_exclusive = [
        flow(
            f.flow_id,
            *(t.model_copy(update={"exclusive": False}) for t in f.triggers),
            created=f.created_order,
        )
        for f in flows
    ]
    assert started(text, *non_exclusive) == [
        "equals",
        "starts",
        "contains",
        "regex",
        "first",
        "any",
    ]


def test_a_button_payload_outranks_a_first_message_trigger_at_equal_priority() -> None:
    flows = [
        flow("first", trigger("first_message"), created=1),
        flow("button", trigger("button_payload", payloads=["go"]), created=2),
    ]
    assert started(ButtonReply("go", "Go", first_message=True), *flows) == ["button"]


def test_equal_priority_and_specificity_prefer_the_older_flow_then_the_flow_id() -> None:
    older = flow("zeta", keyword("equals", "hola"), created=1)
    newer = flow("alpha", keyword("equals", "hola"), created=2)
    assert started(InboundText("hola"), newer, older) == ["zeta"]
    same_age = [flow("b", keyword("equals", "hola")), flow("a", keyword("equals", "hola"))]
    assert started(InboundText("hola"), *same_age) == ["a"]


def test_a_flow_starts_once_with_its_best_ranked_trigger() -> None:
    both = flow(
        "both",
        trigger("any_inbound", exclusive=False),
        keyword("equals", "hola", priority=5, exclusive=False),
    )
    selection = select_flows(InboundText("hola"), [both], waiting_execution=False)
    assert [(m.flow_id, m.trigger_index, m.trigger_kind, m.priority) for m in selection.flows] == [
        ("both", 1, "keyword", 5)
    ]


def test_the_same_flow_listed_twice_is_refused_with_what_to_do() -> None:
    twice = [flow("f", trigger("any_inbound"), version=2), flow("f", trigger("any_inbound"))]
    with pytest.raises(ValueError, match=r"'f' is listed more than once \(versions \[1, 2\]\)"):
        select_flows(InboundText("x"), twice, waiting_execution=False)


# --- determinism ------------------------------------------------------------------------------

_TRIGGERS = st.one_of(
    st.builds(
        keyword,
        st.sampled_from(["equals", "contains", "starts_with", "regex"]),
        st.sampled_from(["hola", "price", "hi", "^h", "(a)\\1"]),
        priority=st.integers(-2, 2),
        exclusive=st.booleans(),
    ),
    *(
        st.builds(trigger, st.just(kind), priority=st.integers(-2, 2), exclusive=st.booleans())
        for kind in ("any_inbound", "first_message")
    ),
    st.builds(
        trigger,
        st.just("button_payload"),
        payloads=st.just(["go"]),
        priority=st.integers(-2, 2),
        exclusive=st.booleans(),
    ),
    st.builds(trigger, st.just("tag_added"), tag=st.sampled_from(["vip", "VIP", "lead"])),
)
_STIMULI = st.one_of(
    st.builds(
        InboundText, st.sampled_from(["hola", "Hi there", "the price?", "hh"]), st.booleans()
    ),
    st.builds(ButtonReply, st.sampled_from(["go", "stop"]), st.just("Go"), st.booleans()),
    st.builds(TagAdded, st.sampled_from(["vip", "lead"])),
)


@st.composite
def _flow_lists(draw: st.DrawFn) -> list[PublishedFlow]:
    ids = draw(st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8))
    return [
        flow(
            flow_id,
            *draw(st.lists(_TRIGGERS, min_size=1, max_size=3)),
            created=draw(st.integers(0, 2)),  # repeated on purpose: ties must still be broken
        )
        for flow_id in ids
    ]


@settings(max_examples=150, deadline=None)
@given(data=st.data(), flows=_flow_lists(), stimulus=_STIMULI)
def test_the_selection_does_not_depend_on_the_order_of_flows(
    data: st.DataObject, flows: list[PublishedFlow], stimulus: Stimulus
) -> None:
    shuffled = data.draw(st.permutations(flows))
    assert select_flows(stimulus, shuffled, waiting_execution=False) == select_flows(
        stimulus, flows, waiting_execution=False
    )
