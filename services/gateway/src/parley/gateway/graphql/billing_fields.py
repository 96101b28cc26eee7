"""The GraphQL fields of plans and billing (merged into the schema's Query by `schema.py`), over
the same application calls and permissions as the REST routes. Paying (checkout, the portal)
sends the browser to Stripe, so it is REST only."""

from __future__ import annotations

import strawberry

from parley.gateway.api.deps import billing_of
from parley.gateway.graphql.billing_types import Billing, PlanCatalog
from parley.gateway.graphql.context import SIGNED_IN, Info, field, needs
from parley.gateway.graphql.types import ID


@strawberry.type
class Query:
    @field(description="The plan catalog: prices, limits and features.")
    @needs(SIGNED_IN)
    async def plans(self, info: Info) -> PlanCatalog:
        return PlanCatalog.of(await billing_of(info.context.gateway).plans())

    @field(description="The workspace's plan, period, status, usage of every limit, and plans.")
    @needs("billing:read")
    async def billing(self, info: Info, workspace_id: ID) -> Billing:
        return Billing.of(await billing_of(info.context.gateway).page(workspace_id))
