"""The campaign aggregate, dry-run evaluation, pacing and message rendering: pure, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parley.contracts.campaigns.campaigns import CampaignDefinition
from parley.contracts.campaigns.events import CampaignLaunched, CampaignPaused
from parley.contracts.crm.segment_queries import SegmentMember
from parley.contracts.messaging.channels import ChannelView
from parley.flow_engine.domain.campaigns.content import (
    contact_scope,
    lacks,
    message_for,
    required_paths,
    template_problems,
)
from parley.flow_engine.domain.campaigns.decide import (
    CampaignRefused,
    Cancel,
    Complete,
    Create,
    Launch,
    Pause,
    Resume,
    Schedule,
    Update,
    decide,
)
from parley.flow_engine.domain.campaigns.dry_run import (
    AudienceFacts,
    DryRunFacts,
    FlowFacts,
    NumberFacts,
    evaluate,
)
from parley.flow_engine.domain.campaigns.enrollment import flow_facts
from parley.flow_engine.domain.campaigns.pacing import TokenBucket, campaign_rate
from parley.flow_engine.domain.campaigns.state import Campaign, evolve
from parley.flow_engine.testing.graphs import graph, node, text

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def definition(**extra: Any) -> CampaignDefinition:
    fields: dict[str, Any] = {
        "name": "Promo",
        "kind": "template",
        "segment_id": "seg-1",
        "template": {"kind": "template", "name": "promo", "language": "en_US"},
    }
    return CampaignDefinition.model_validate(fields | extra)


def run(state: Campaign, *commands: Any) -> Campaign:
    for command in commands:
        for event in decide(state, command):
            state = evolve(state, event)
    return state


def launch() -> Launch:
    return Launch(10, 1, 2, 72.0, "main", NOW)


def created() -> Campaign:
    return run(Campaign(), Create("cmp-1", definition(), NOW))


def test_a_campaign_moves_through_its_lifecycle() -> None:
    state = run(created(), Update(definition(name="Promo 2"), NOW))
    assert state.status == "draft"
    assert state.definition is not None
    assert state.definition.name == "Promo 2"
    state = run(state, Schedule(NOW + timedelta(hours=1), NOW))
    assert (state.status, state.send_at) == ("scheduled", NOW + timedelta(hours=1))
    state = run(state, launch())
    assert (state.status, state.targeted, state.rate_per_second) == ("running", 10, 72.0)
    state = run(state, Pause("by Ana", "ana", NOW))
    assert (state.status, state.paused_reason) == ("paused", "by Ana")
    state = run(state, Resume("ana", NOW), Complete(10, NOW))
    assert state.status == "completed"
    assert state.finished_at == NOW


@pytest.mark.parametrize(
    ("moves", "command", "says"),
    [
        ((launch(),), Update(definition(), NOW), "a running campaign cannot be updated"),
        ((launch(),), launch(), "a running campaign cannot be launched"),
        ((), Resume("", NOW), "a draft campaign cannot be resumed"),
        ((Cancel("", NOW),), launch(), "a cancelled campaign cannot be launched"),
        ((launch(), Complete(1, NOW)), Pause("", "", NOW), "a completed campaign cannot be"),
        ((), Complete(0, NOW), "a draft campaign cannot be completed"),
    ],
)
def test_moves_the_status_forbids_are_refused_naming_the_status(
    moves: tuple[Any, ...], command: Any, says: str
) -> None:
    state = run(created(), *moves)
    with pytest.raises(CampaignRefused) as refused:
        decide(state, command)
    assert refused.value.code == "CAMPAIGN_STATE"
    assert says in str(refused.value)


def test_create_twice_and_unknown_campaigns_are_refused() -> None:
    with pytest.raises(CampaignRefused, match="exists"):
        decide(created(), Create("cmp-1", definition(), NOW))
    with pytest.raises(CampaignRefused) as missing:
        decide(Campaign(), Pause("", "", NOW))
    assert missing.value.code == "CAMPAIGN_NOT_FOUND"


def test_a_schedule_in_the_past_is_refused_and_a_stale_timer_decides_nothing() -> None:
    with pytest.raises(CampaignRefused, match="send_at"):
        decide(created(), Schedule(NOW - timedelta(seconds=1), NOW))
    scheduled = run(created(), Schedule(NOW + timedelta(hours=2), NOW))
    stale = Launch(1, 0, 0, 1.0, "main", NOW, scheduled_for=NOW + timedelta(hours=1))
    assert decide(scheduled, stale) == []
    due = Launch(1, 0, 0, 1.0, "main", NOW, scheduled_for=NOW + timedelta(hours=2))
    assert isinstance(decide(scheduled, due)[0], CampaignLaunched)


def test_a_campaign_paused_before_it_launched_may_launch_on_resume() -> None:
    paused = run(created(), Schedule(NOW + timedelta(hours=1), NOW), Pause("blocked", "", NOW))
    assert isinstance(decide(paused, launch())[0], CampaignLaunched)
    ran = run(created(), launch(), Pause("", "", NOW))
    with pytest.raises(CampaignRefused):
        decide(ran, launch())
    assert isinstance(decide(run(created(), launch()), Pause("x", "", NOW))[0], CampaignPaused)


def test_the_pace_is_below_the_number_and_the_bucket_never_bursts() -> None:
    assert campaign_rate(80) == 72.0
    assert campaign_rate(80, max_per_second=10) == 10.0
    assert campaign_rate(80, max_per_second=500) == 72.0
    bucket = TokenBucket.for_rate(72.0, tick=0.05)
    granted = [bucket.take(0.0, 100)]
    now = 0.0
    while now < 10.0:
        now += 0.05
        granted.append(bucket.take(now, 100))
    assert sum(granted) <= 72 * 10 + 1 + bucket.capacity
    assert sum(granted) >= 72 * 10 - 5
    assert max(granted) <= bucket.capacity
    after_a_pause = bucket.take(now + 60.0, 100)
    assert after_a_pause <= bucket.capacity


def member(contact_id: str = "c-1", **extra: Any) -> SegmentMember:
    fields: dict[str, Any] = {
        "contact_id": contact_id,
        "phone": "+15550001111",
        "user_id": "",
        "name": "Ana",
        "language": "en",
        "consent": "opted_in",
        "last_inbound_at": None,
    }
    return SegmentMember.model_validate(fields | extra)


def test_parameters_are_filled_from_the_contact_and_missing_ones_counted() -> None:
    template = {
        "kind": "template",
        "name": "promo",
        "language": "en_US",
        "body_parameters": ["{{contact.name}}", "{{contact.fields.city}}", '{{contact.x | "y"}}'],
    }
    assert required_paths(template) == ("contact.name", "contact.fields.city")
    lisbon = member(fields={"city": "Lisbon"})
    assert not lacks(lisbon, required_paths(template))
    assert lacks(member(), required_paths(template))
    rendered = message_for(template, contact_scope(lisbon))
    assert rendered["body_parameters"] == ["Ana", "Lisbon", "y"]
    assert rendered["name"] == "promo"


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ({"kind": "template", "name": "", "language": "en_US"}, "template.name"),
        ({"kind": "template", "name": "p", "language": "english"}, "template.language"),
        ({"kind": "text", "body": "hi"}, "template.kind"),
        (
            {"kind": "template", "name": "p", "language": "en", "body_parameters": ["{{vars.x}}"]},
            "template.body_parameters.0",
        ),
        (
            {"kind": "template", "name": "p", "language": "en", "body_parameters": ["{{x"]},
            "template.body_parameters.0",
        ),
    ],
)
def test_template_shape_problems_name_the_field(template: dict[str, Any], field: str) -> None:
    [problem] = template_problems(template)
    assert (problem.code, problem.field, problem.blocking) == ("TEMPLATE_INVALID", field, True)


def channel(**extra: Any) -> ChannelView:
    fields: dict[str, Any] = {
        "channel_id": "main",
        "provider": "cloud_api",
        "phone_number_id": "1",
        "messages_per_second": 80,
        "tier": "TIER_1K",
        "connected_at": NOW,
    }
    return ChannelView.model_validate(fields | extra)


def facts(**extra: Any) -> DryRunFacts:
    fields: dict[str, Any] = {
        "definition": definition(),
        "audience": AudienceFacts(
            count=100,
            by_consent={"opted_in": 80, "opted_out": 5, "unknown": 15},
            outside_window=70,
            missing_fields=0,
        ),
        "audience_error": "",
        "number": NumberFacts(channel(), "healthy", 1.0, tier_used=100),
        "flow": None,
        "required_fields": (),
        "now": NOW,
    }
    return DryRunFacts(**(fields | extra))


def codes(report: Any) -> dict[str, tuple[bool, int | None]]:
    return {p.code: (p.blocking, p.count) for p in report.problems}


def test_a_clean_dry_run_counts_exclusions_tier_and_duration() -> None:
    report = evaluate(facts())
    assert (report.audience, report.will_send) == (100, 80)
    assert (report.excluded_opted_out, report.excluded_without_opt_in) == (5, 15)
    assert (report.tier_limit, report.tier_used, report.tier_after) == (1000, 100, 170)
    assert report.rate_per_second == 72.0
    assert report.expected_duration_seconds == pytest.approx(80 / 72, abs=0.1)
    assert codes(report) == {"WITHOUT_OPT_IN": (False, 15)}
    assert not report.blocking
    included = evaluate(facts(definition=definition(include_without_opt_in=True)))
    assert (included.will_send, included.excluded_without_opt_in) == (95, 0)


def test_each_blocking_problem_is_reported() -> None:
    nobody = AudienceFacts(count=3, by_consent={"opted_out": 3}, outside_window=0, missing_fields=0)
    assert codes(evaluate(facts(audience=nobody)))["NO_AUDIENCE"][0]
    assert codes(evaluate(facts(audience=None, audience_error="no segment")))["NO_AUDIENCE"][0]
    assert codes(evaluate(facts(number=None)))["NO_CHANNEL"][0]
    paused = NumberFacts(channel(status="paused", paused_reason="spam"), "healthy", 1.0, 0)
    assert codes(evaluate(facts(number=paused)))["CHANNEL_PAUSED"][0]
    sick = NumberFacts(channel(), "campaigns_paused", 0.0, 0)
    assert codes(evaluate(facts(number=sick)))["NUMBER_HEALTH_LOW"][0]
    full = NumberFacts(channel(), "healthy", 1.0, tier_used=990)
    assert codes(evaluate(facts(number=full)))["TIER_EXCEEDED"] == (True, 60)
    missing = AudienceFacts(
        count=10, by_consent={"opted_in": 10}, outside_window=0, missing_fields=4
    )
    report = evaluate(facts(audience=missing, required_fields=("contact.name",)))
    assert codes(report)["TEMPLATE_FIELD_MISSING"] == (True, 4)


def test_flow_campaign_problems() -> None:
    flow = definition(kind="flow", flow_id="f-1", template=None)
    unpublished = evaluate(facts(definition=flow, flow=FlowFacts(False, False, False)))
    assert codes(unpublished)["FLOW_NOT_PUBLISHED"][0]
    no_trigger = evaluate(facts(definition=flow, flow=FlowFacts(True, False, True)))
    assert codes(no_trigger)["FLOW_NO_CAMPAIGN_TRIGGER"][0]
    text_first = evaluate(facts(definition=flow, flow=FlowFacts(True, True, False)))
    assert codes(text_first)["OUTSIDE_WINDOW"] == (False, 70)
    assert text_first.tier_after == 100  # nobody outside the window is reached
    template_first = evaluate(facts(definition=flow, flow=FlowFacts(True, True, True)))
    assert "OUTSIDE_WINDOW" not in codes(template_first)


def test_flow_facts_follow_the_graph_to_its_first_message() -> None:
    template_node = node(
        "t", "send_message", message={"kind": "template", "name": "p", "language": "en"}
    )
    first_template = graph(
        [template_node, text("after", "thanks")],
        [{"source": "t", "port": "next", "target": "after"}],
        triggers=[{"kind": "campaign"}],
    )
    assert flow_facts(first_template) == FlowFacts(True, True, True)
    first_text = graph([text("hi", "hello")], [], triggers=[{"kind": "keyword", "keywords": ["x"]}])
    assert flow_facts(first_text) == FlowFacts(True, False, False)
    assert not flow_facts(None).published


def test_captured_leads_are_left_out_even_when_contacts_without_opt_in_are_included() -> None:
    leads = AudienceFacts(
        count=100,
        by_consent={"opted_in": 80, "opted_out": 5, "unknown": 15},
        outside_window=70,
        missing_fields=0,
        captured_without_opt_in=6,
    )
    left_out = evaluate(facts(audience=leads))
    assert (left_out.will_send, left_out.excluded_without_opt_in) == (80, 15)
    warning = next(p for p in left_out.problems if p.code == "WITHOUT_OPT_IN")
    assert "6 of them captured leads" in warning.message
    included = evaluate(facts(audience=leads, definition=definition(include_without_opt_in=True)))
    assert (included.will_send, included.excluded_without_opt_in) == (89, 6)
    warning = next(p for p in included.problems if p.code == "WITHOUT_OPT_IN")
    assert warning.message.startswith("9 contacts have no opt-in evidence and are included")
    assert "6 of them captured leads, left out until they opt in" in warning.message
