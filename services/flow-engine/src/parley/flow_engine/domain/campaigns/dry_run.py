"""The dry run: what a campaign would do if launched now, and what stands in its way. Pure.

The handler gathers the facts (crm's audience, messaging's number and its health, the flow);
this module turns them into the report. A blocking problem refuses launch and schedule.

The messaging tier is checked, not planned around: a campaign whose new business-initiated
recipients would take the number past its 24 h cap is refused (TIER_EXCEEDED) rather than
spread over several days. Messaging would hold every send past the cap until the window moved,
so such a campaign would sit half-sent for a day with nothing to say why; the user splits the
segment, or waits, knowingly.

The plan (`PlanFacts`, from billing's entitlements): a campaign that would be one active
campaign more than `active_campaigns` allows is blocked (PLAN_LIMIT_REACHED); recipients
beyond the messages the plan still admits this billing period are a warning
(MESSAGE_QUOTA_SHORT, with how many messaging would refuse), not a block: the rest go out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from parley.contracts.billing.entitlements import LIMIT_CODE
from parley.contracts.campaigns.campaigns import CampaignDefinition
from parley.contracts.campaigns.queries import CampaignProblem, DryRunReport
from parley.contracts.messaging.channels import ChannelView
from parley.contracts.messaging.tiers import tier_cap
from parley.flow_engine.domain.campaigns.content import template_problems
from parley.flow_engine.domain.campaigns.pacing import campaign_rate, expected_seconds

WINDOW = timedelta(hours=24)


def outside_window(last_inbound_at: datetime | None, now: datetime) -> bool:
    return last_inbound_at is None or now - last_inbound_at > WINDOW


@dataclass(frozen=True)
class FlowFacts:
    published: bool
    has_campaign_trigger: bool
    first_message_is_template: bool


@dataclass(frozen=True)
class NumberFacts:
    channel: ChannelView
    level: str  # messaging's health level: healthy, watch, slowed, campaigns_paused
    rate_factor: float
    tier_used: int  # unique business-initiated recipients in the last 24 h


@dataclass(frozen=True)
class AudienceFacts:
    count: int
    by_consent: Mapping[str, int]
    # Over the recipients that would be sent to (after exclusions):
    outside_window: int
    missing_fields: int  # lacking a value for a placeholder without a default
    # Of the contacts without opt-in evidence, the captured leads (source scraper): left out
    # even when the campaign includes contacts without opt-in.
    captured_without_opt_in: int = 0


@dataclass(frozen=True)
class PlanFacts:
    """What the workspace's plan says about one more campaign (no entitlements: the defaults)."""

    # The PLAN_LIMIT_REACHED refusal's words when `active_campaigns` is reached without this one.
    campaigns_refused: str = ""
    # Messages the plan still admits this billing period (None: no monthly limit), and the
    # words naming the limit, the usage and the plan that lifts it.
    messages_left: int | None = None
    messages_why: str = ""


@dataclass(frozen=True)
class DryRunFacts:
    definition: CampaignDefinition
    audience: AudienceFacts | None  # None: crm did not answer or the segment is unknown
    audience_error: str
    number: NumberFacts | None
    flow: FlowFacts | None  # for a flow campaign
    required_fields: tuple[str, ...]
    now: datetime
    plan: PlanFacts = PlanFacts()


def _problem(code: str, message: str, *, blocking: bool, field: str = "", count: int | None = None
             ) -> CampaignProblem:  # fmt: skip
    return CampaignProblem(code=code, message=message, blocking=blocking, field=field, count=count)


def evaluate(facts: DryRunFacts) -> DryRunReport:
    d = facts.definition
    problems: list[CampaignProblem] = []
    audience = facts.audience
    total = audience.count if audience else 0
    opted_out = audience.by_consent.get("opted_out", 0) if audience else 0
    unknown = audience.by_consent.get("unknown", 0) if audience else 0
    captured = min(unknown, audience.captured_without_opt_in) if audience else 0
    without_opt_in = captured if d.include_without_opt_in else unknown
    will_send = max(0, total - opted_out - without_opt_in)
    if audience is None:
        problems.append(
            _problem("NO_AUDIENCE", facts.audience_error, blocking=True, field="segment_id")
        )
    elif will_send == 0:
        problems.append(
            _problem(
                "NO_AUDIENCE",
                f"nobody to send to: {total} match, {opted_out} opted out, "
                f"{without_opt_in} without opt-in evidence",
                blocking=True,
                field="segment_id" if d.segment_id else "filter",
            )
        )
    if unknown:
        leads = (
            f" ({captured} of them captured leads, left out until they opt in)" if captured else ""
        )
        message = (
            f"{unknown - captured} contacts have no opt-in evidence and are included, as you "
            f"asked{'; ' + leads.strip(' ()') if captured else ''}"
            if d.include_without_opt_in
            else f"{unknown} contacts have no opt-in evidence and are left out{leads}; record "
            "their consent, or set include_without_opt_in if they agreed outside Parley"
        )
        problems.append(
            _problem(
                "WITHOUT_OPT_IN",
                message,
                blocking=False,
                field="include_without_opt_in",
                count=unknown,
            )
        )
    first_is_template = d.kind == "template"
    if d.kind == "template":
        problems.extend(template_problems(d.template))
        missing = audience.missing_fields if audience else 0
        if missing:
            fields = ", ".join("{{" + p + "}}" for p in facts.required_fields)
            problems.append(
                _problem(
                    "TEMPLATE_FIELD_MISSING",
                    f"{missing} recipients have no value for {fields}: give the placeholder a "
                    'default ({{contact.name | "there"}}) or narrow the segment',
                    blocking=True,
                    field="template.body_parameters",
                    count=missing,
                )
            )
    elif facts.flow is None or not facts.flow.published:
        problems.append(
            _problem(
                "FLOW_NOT_PUBLISHED",
                f"flow {d.flow_id!r} is not published (or is archived): publish it first",
                blocking=True,
                field="flow_id",
            )
        )
    else:
        if not facts.flow.has_campaign_trigger:
            problems.append(
                _problem(
                    "FLOW_NO_CAMPAIGN_TRIGGER",
                    f"flow {d.flow_id!r} has no campaign trigger: add one and publish it",
                    blocking=True,
                    field="flow_id",
                )
            )
        first_is_template = facts.flow.first_message_is_template
    window_count = audience.outside_window if audience else 0
    if not first_is_template and window_count:
        problems.append(
            _problem(
                "OUTSIDE_WINDOW",
                f"{window_count} recipients last wrote more than 24 h ago (or never): the flow's "
                "first message is not a template, so it cannot reach them (WINDOW_CLOSED)",
                blocking=False,
                field="flow_id",
                count=window_count,
            )
        )
    number = facts.number
    rate = 0.0
    tier, tier_limit, tier_used = "", None, 0
    if number is None:
        problems.append(
            _problem(
                "NO_CHANNEL",
                "no active WhatsApp number to send from: connect one in Settings → Numbers",
                blocking=True,
                field="channel_id",
            )
        )
    else:
        channel = number.channel
        if channel.status != "active":
            why = f": {channel.paused_reason}" if channel.paused_reason else ""
            problems.append(
                _problem(
                    "CHANNEL_PAUSED",
                    f"number {channel.channel_id!r} is {channel.status}{why}",
                    blocking=True,
                    field="channel_id",
                )
            )
        if number.level == "campaigns_paused":
            problems.append(
                _problem(
                    "NUMBER_HEALTH_LOW",
                    "the number's health paused campaigns: review its quality before sending more",
                    blocking=True,
                    field="channel_id",
                )
            )
        elif number.level == "slowed":
            problems.append(
                _problem(
                    "NUMBER_HEALTH_LOW",
                    "the number's health is low: messaging sends more slowly until it recovers",
                    blocking=False,
                    field="channel_id",
                )
            )
        tier, tier_limit, tier_used = channel.tier, tier_cap(channel.tier), number.tier_used
        rate = campaign_rate(channel.messages_per_second * number.rate_factor, d.max_per_second)
    adds = window_count if first_is_template else 0
    tier_after = tier_used + adds
    if tier_limit is not None and tier_after > tier_limit:
        problems.append(
            _problem(
                "TIER_EXCEEDED",
                f"{adds} new recipients outside their 24 h window would take the number to "
                f"{tier_after} of its {tier_limit} ({tier}) in 24 h: split the segment, or wait",
                blocking=True,
                field="segment_id" if d.segment_id else "filter",
                count=tier_after - tier_limit,
            )
        )
    problems.extend(_plan_problems(facts.plan, will_send))
    return DryRunReport(
        audience=total,
        will_send=will_send,
        excluded_without_opt_in=without_opt_in,
        excluded_opted_out=opted_out,
        outside_window=window_count,
        problems=tuple(problems),
        channel_id=number.channel.channel_id if number else "",
        tier=tier,
        tier_limit=tier_limit,
        tier_used=tier_used,
        tier_after=tier_after,
        rate_per_second=rate,
        expected_duration_seconds=expected_seconds(will_send, rate),
        evaluated_at=facts.now,
    )


def _plan_problems(plan: PlanFacts, will_send: int) -> list[CampaignProblem]:
    problems = []
    if plan.campaigns_refused:
        problems.append(_problem(LIMIT_CODE, plan.campaigns_refused, blocking=True))
    if plan.messages_left is not None and will_send > plan.messages_left:
        short = will_send - max(0, plan.messages_left)
        problems.append(
            _problem(
                "MESSAGE_QUOTA_SHORT",
                f"{short} of the {will_send} messages would be refused by the plan's monthly "
                f"limit ({max(0, plan.messages_left)} left): {plan.messages_why}",
                blocking=False,
                count=short,
            )
        )
    return problems


def blocking_message(report: DryRunReport) -> str:
    codes = ", ".join(p.code for p in report.blocking)
    return f"{len(report.blocking)} blocking problem(s) remain: {codes}"
