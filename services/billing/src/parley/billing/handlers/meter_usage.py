"""Counting one metered event on the USAGE counters, and raising the warnings it crosses.

Shared by the meter's projections (`handlers/meter.py`), which call it from inside their
checkpoint's transaction. What it writes in PostgreSQL (warning rows) goes through that
transaction; what it writes in NATS (increments, warning events) cannot, so each write carries
an id that makes doing it again harmless:

- an increment's `Nats-Msg-Id` is `<event id>:<subject>` (plus the meter's reset generation,
  below). It covers the gap between an increment and the checkpoint's commit: an event whose
  transaction failed after its increments is applied again, and the USAGE stream drops the
  repeated increments, but only within its duplicate window of 10 minutes. A redo later than
  that (PostgreSQL unreachable for longer, then the next leader resumes from the checkpoint)
  counts the event twice. The spec's in-place retries end well inside the window.
- a purge does not clear the duplicate window (tried: an increment repeated after a purge is
  still dropped), so a rebuild within 10 minutes of the first count would count nothing. A
  reset therefore bumps the projection's generation, a counter of its own on
  `usage.meter.<projection>.resets` (four tokens: outside every `usage.*.*.<metric>.*`), and
  increments carry the generation in their ids from then on.
- a warning is raised when its row is new in `usage_warnings`, and published with a
  deterministic `Nats-Msg-Id` and event id, unless an event with that id is already on the
  workspace's `billing.evt.<ws>.usage` (a redo, or a replay after a reset deleted the rows:
  the app has been told once, and is not told again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
import structlog
from nats.aio.client import Client as NatsClient
from nats.js.errors import BucketNotFoundError, KeyNotFoundError
from pydantic import TypeAdapter
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.billing.adapters.tables import (
    account_workspaces,
    accounts,
    in_schema,
    usage_warnings,
)
from parley.billing.domain.meter import (
    counter_msg_id,
    crossed,
    period_of,
    warning_event_id,
    warning_key,
)
from parley.contracts.billing.entitlements import (
    ENTITLEMENTS_BUCKET,
    Entitlements,
    Scope,
    usage_subject,
)
from parley.contracts.billing.events import UsageThresholdReached
from parley.contracts.envelope import Envelope
from parley.contracts.streams import BILLING, USAGE
from parley.contracts.subjects import event_subject
from parley.runtime import counters
from parley.runtime.eventstore.store import EventStore, envelope_headers

log = structlog.get_logger(__name__)

_MOMENT = TypeAdapter(datetime)


def generation_subject(projection: str) -> str:
    return f"usage.meter.{projection}.resets"


def metered_filter(metric: str) -> str:
    """Every meter counter of `metric`, any scope, id and period; never the enforcer's
    `.admitted` counters, which have a sixth token."""
    return f"usage.*.*.{metric}.*"


async def generation(nc: NatsClient, projection: str) -> int:
    return await counters.value(nc.jetstream(), USAGE.name, generation_subject(projection))


async def reset_usage(
    conn: AsyncConnection, schema: str, nc: NatsClient, projection: str, metrics: tuple[str, ...]
) -> None:
    """Forget what the projection counted, before a replay counts it again.

    The generation is bumped before the purge: if the purge then fails, the rebuild fails with
    the counts intact and later increments merely carry the new generation."""
    conn = await in_schema(conn, schema)
    await conn.execute(usage_warnings.delete().where(usage_warnings.c.metric.in_(metrics)))
    await counters.add(nc, generation_subject(projection), 1)
    js = nc.jetstream()
    for metric in metrics:
        await js.purge_stream(USAGE.name, subject=metered_filter(metric))


@dataclass(frozen=True)
class _Account:
    organization_id: str | None
    anchor: datetime | None


@dataclass
class MeterPass:
    """Counting for one batch of events: the generation and lookups are read once per batch
    (one transaction; nothing else writes the meter's subjects meanwhile)."""

    nc: NatsClient
    conn: AsyncConnection  # already in the service's schema
    generation: int
    _accounts: dict[str, _Account] = field(default_factory=dict)
    _entitlements: dict[str, Entitlements | None] = field(default_factory=dict)

    @classmethod
    async def begin(
        cls, nc: NatsClient, conn: AsyncConnection, schema: str, projection: str
    ) -> MeterPass:
        return cls(nc, await in_schema(conn, schema), await generation(nc, projection))

    async def count(self, cause: Envelope, workspace_id: str, metric: str, at: datetime) -> None:
        """Count one unit of `metric` for the workspace and its organization, in the billing
        period holding `at`, then raise the warnings the enforced counter crossed."""
        account = await self._account(workspace_id)
        period = period_of(account.anchor, at)
        event_id = str(cause.event_id)
        ws_subject = usage_subject("ws", workspace_id, metric, period)
        used: dict[Scope, int] = {"ws": await self._add(event_id, ws_subject)}
        org = account.organization_id
        if org is None:
            log.warning(
                "usage of a workspace without a known organization: counted for it only",
                workspace_id=workspace_id,
                metric=metric,
                event_id=event_id,
            )
        else:
            used["org"] = await self._add(event_id, usage_subject("org", org, metric, period))
        entitlements = await self._entitlements_of(workspace_id)
        if entitlements is None:
            return  # no plan written for the workspace: no limits, nothing to warn about
        scope = entitlements.scope_of(metric)
        if scope not in used:
            log.warning("pooled limit of an unknown organization: no warning", metric=metric)
            return
        limit = entitlements.limit(metric)
        value = used[scope]
        for threshold in crossed(value - 1, value, limit):
            assert limit is not None  # crossed() finds none without a limit
            warning = UsageThresholdReached(
                organization_id=org or "",
                metric=metric,
                scope=scope,
                threshold=threshold,
                used=value,
                limit=limit,
                plan=entitlements.plan,
                period=period,
                at=at,
            )
            await self._warn(cause, workspace_id, warning)

    async def _add(self, event_id: str, subject: str) -> int:
        """Count one and return the counter as this event left it, also for a repeated
        increment: the warnings compare that value with the one before it."""
        msg_id = counter_msg_id(event_id, subject, self.generation)
        return (await counters.add(self.nc, subject, 1, msg_id=msg_id)).value

    async def _warn(
        self, cause: Envelope, workspace_id: str, warning: UsageThresholdReached
    ) -> None:
        if warning.scope == "org":
            scope_id = warning.organization_id
            rows = await self.conn.execute(
                sa.select(account_workspaces.c.workspace_id)
                .where(account_workspaces.c.organization_id == scope_id)
                .order_by(account_workspaces.c.workspace_id)
            )
            shown_to = list(rows.scalars()) or [workspace_id]
        else:
            scope_id, shown_to = workspace_id, [workspace_id]
        for ws in shown_to:
            key = warning_key(
                warning.scope, scope_id, warning.metric, warning.period, warning.threshold, ws
            )
            inserted = await self.conn.execute(
                insert(usage_warnings)
                .values(
                    workspace_id=ws,
                    metric=warning.metric,
                    scope=warning.scope,
                    period=warning.period,
                    threshold=warning.threshold,
                    organization_id=warning.organization_id,
                    used=warning.used,
                    limit=warning.limit,
                    at=warning.at,
                )
                .on_conflict_do_nothing()
                .returning(usage_warnings.c.workspace_id)
            )
            if inserted.first() is None:
                continue  # raised before, under this checkpoint
            envelope = cause.caused(
                warning,
                workspace_id=ws,
                event_id=warning_event_id(key),
                occurred_at=warning.at,
            )
            await self._publish_once(key, envelope)
            log.info(
                "usage warning raised",
                workspace_id=ws,
                metric=warning.metric,
                scope=warning.scope,
                threshold=warning.threshold,
                used=warning.used,
                limit=warning.limit,
                period=warning.period,
            )

    async def _publish_once(self, key: str, envelope: Envelope) -> None:
        subject = event_subject("billing", envelope.workspace_id, "usage")
        # Beyond the duplicate window only the stream itself knows it was published.
        published = await EventStore(self.nc, BILLING.name).load(subject)
        if any(e.envelope.event_id == envelope.event_id for e in published):
            return
        headers = envelope_headers(envelope)
        headers["Nats-Msg-Id"] = key
        await self.nc.jetstream().publish(
            subject, envelope.to_bytes(), headers=headers, stream=BILLING.name
        )

    async def _account(self, workspace_id: str) -> _Account:
        found = self._accounts.get(workspace_id)
        if found is not None:
            return found
        row = (
            await self.conn.execute(
                sa.select(
                    account_workspaces.c.organization_id,
                    accounts.c.account["anchor"].astext,
                )
                .select_from(
                    account_workspaces.outerjoin(
                        accounts,
                        accounts.c.organization_id == account_workspaces.c.organization_id,
                    )
                )
                .where(account_workspaces.c.workspace_id == workspace_id)
            )
        ).first()
        if row is None:
            found = _Account(None, None)
        else:
            anchor = _MOMENT.validate_python(row[1]) if row[1] else None
            if anchor is not None and anchor.tzinfo is None:
                anchor = anchor.replace(tzinfo=UTC)
            found = _Account(row[0], anchor)
        self._accounts[workspace_id] = found
        return found

    async def _entitlements_of(self, workspace_id: str) -> Entitlements | None:
        """Read afresh (no cache across batches): the limit in force when the event is
        counted."""
        if workspace_id in self._entitlements:
            return self._entitlements[workspace_id]
        try:
            kv = await self.nc.jetstream().key_value(ENTITLEMENTS_BUCKET)
            entry = await kv.get(workspace_id)
            found: Entitlements | None = Entitlements.model_validate_json(entry.value or b"{}")
        except (BucketNotFoundError, KeyNotFoundError):
            found = None
        self._entitlements[workspace_id] = found
        return found
