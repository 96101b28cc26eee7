"""Plans in tests: write a workspace's entitlements as billing does, and use up a monthly limit.

Billing owns the `billing_entitlements` bucket and the USAGE counter stream; the engine's tests
create them as billing would, so the engine is tested without billing running.
"""

from __future__ import annotations

from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient
from nats.js.api import KeyValueConfig

from parley.contracts.billing.entitlements import ENTITLEMENTS_BUCKET, Entitlements
from parley.contracts.streams import USAGE
from parley.runtime import counters
from parley.runtime.kv import LazyBucket
from parley.runtime.quotas import counter_subjects
from parley.runtime.streams import ensure_stream


def free_plan(*, features: frozenset[str] = frozenset(), **limits: int | None) -> Entitlements:
    """The Free plan with `limits`; Starter lifts every limit, Pro brings the AI node."""
    return Entitlements(
        plan="free",
        plan_name="Free",
        anchor=datetime(2026, 1, 1, tzinfo=UTC),
        limits=limits,
        features=features,
        upgrade_to="starter",
        lifted_by=dict.fromkeys(limits, "Starter") | {"ai_node": "Pro"},
    )


async def entitle(nc: NatsClient, workspace_id: str, entitlements: Entitlements) -> None:
    await ensure_stream(nc.jetstream(), USAGE)
    kv = await LazyBucket(nc, KeyValueConfig(bucket=ENTITLEMENTS_BUCKET, history=1))()
    await kv.put(workspace_id, entitlements.model_dump_json().encode())


async def use(
    nc: NatsClient, workspace_id: str, entitlements: Entitlements, metric: str, units: int
) -> None:
    """Count `units` of a monthly metric as admitted this period (as if already sent)."""
    enforced, _ = counter_subjects(entitlements, workspace_id, metric, datetime.now(UTC))
    await counters.add(nc, enforced, units)
