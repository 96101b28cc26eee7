"""The stream catalog: one JetStream stream per bounded context, plus the shared ones.

This is the single place that says which subjects live in which stream and with what features.
`parley.runtime.streams.ensure_streams` creates or updates them from here at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    owner: str
    description: str
    atomic: bool = False  # atomic multi-event batches (one decision, several events)
    schedules: bool = False  # JetStream message scheduling (durable timers)
    counter: bool = False  # JetStream counters: the stream only accepts Nats-Incr messages
    duplicate_window: timedelta = timedelta(minutes=10)
    max_age: timedelta | None = None  # None: kept forever (event logs are the source of truth)
    extra_subjects: tuple[str, ...] = field(default=())

    def all_subjects(self) -> list[str]:
        return [*self.subjects, *self.extra_subjects]


INGRESS = StreamSpec(
    "INGRESS",
    ("ingress.>",),
    owner="gateway",
    description="Verified webhook bodies (WhatsApp, Stripe), stored raw before the 200 answer.",
    max_age=timedelta(days=14),
)
FLOW_ENGINE = StreamSpec(
    "FLOW_ENGINE",
    ("flow.>", "exec.>", "campaign.>"),
    owner="flow-engine",
    description="Flows, executions and campaigns: event-sourced aggregates and their commands.",
    atomic=True,
)
MESSAGING = StreamSpec(
    "MESSAGING",
    ("messaging.>",),
    owner="messaging",
    description="Channels, outbound sends, inbound messages, statuses, number health.",
    atomic=True,
)
CRM = StreamSpec(
    "CRM",
    ("crm.>",),
    owner="crm",
    description="Contacts, consent, tags, fields, segments, imports.",
    atomic=True,
)
BILLING = StreamSpec(
    "BILLING",
    ("billing.>",),
    owner="billing",
    description="Plans, subscriptions, entitlements, limit warnings.",
    atomic=True,
)
AI = StreamSpec(
    "AI",
    ("ai.>",),
    owner="ai-rag",
    description="Knowledge bases, indexing, answers.",
    atomic=True,
)
SCRAPER = StreamSpec(
    "SCRAPER",
    ("scraper.>",),
    owner="scraper",
    description="Lead-capture jobs, progress and scraped leads.",
    atomic=True,
)
TIMERS = StreamSpec(
    "TIMERS",
    ("timer.>",),
    owner="runtime",
    description=(
        "Durable timers: a schedule on timer.sched.<context>.<ws>.<id> fires its envelope onto "
        "timer.fire.<context>.<ws>.<id> at the given time, surviving every restart."
    ),
    schedules=True,
)
USAGE = StreamSpec(
    "USAGE",
    ("usage.>",),
    owner="billing",
    description="Usage counters per organization, workspace, metric and billing period.",
    counter=True,
)
DEADLETTER = StreamSpec(
    "DEADLETTER",
    ("dlq.>",),
    owner="runtime",
    description="Messages that exhausted their deliveries, with the consumer and the last error.",
    max_age=timedelta(days=30),
)

CATALOG: tuple[StreamSpec, ...] = (
    INGRESS,
    FLOW_ENGINE,
    MESSAGING,
    CRM,
    BILLING,
    AI,
    SCRAPER,
    TIMERS,
    USAGE,
    DEADLETTER,
)


def by_name(name: str) -> StreamSpec:
    for spec in CATALOG:
        if spec.name == name:
            return spec
    raise KeyError(f"no stream named {name!r} in the catalog")


def owned_by(service: str) -> tuple[StreamSpec, ...]:
    """Streams a service creates at start-up: its own, plus the shared runtime streams."""
    return tuple(s for s in CATALOG if s.owner in (service, "runtime"))


def dead_letter_subject(stream: str, consumer: str) -> str:
    return f"dlq.{stream}.{consumer}"


def timer_schedule_subject(context: str, workspace_id: str, timer_id: str) -> str:
    return f"timer.sched.{context}.{workspace_id}.{timer_id}"


def timer_fire_subject(context: str, workspace_id: str, timer_id: str) -> str:
    return f"timer.fire.{context}.{workspace_id}.{timer_id}"
