"""Plans and billing: `GET /api/v1/plans` (any signed-in caller), and a workspace's billing
page, checkout, billing portal and invoices (`/api/v1/workspaces/{workspace_id}/billing`).

Everyone in a workspace reads its plan, usage and limits (`billing:read`); only owners pay
(`billing:manage`: checkout, portal, invoices), and only as a person, never with an API key.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import BillingApi, IdentityApi
from parley.gateway.api.routes.auth import SignedIn, user_of
from parley.gateway.application.billing import (
    BillingPage,
    CheckoutSession,
    Invoices,
    Plans,
    PortalSession,
)
from parley.gateway.settings import GatewaySettings

router = APIRouter(tags=["billing"])

Readers = Annotated[WorkspaceScope, Depends(require("billing:read"))]
Managers = Annotated[WorkspaceScope, Depends(require("billing:manage"))]


class CheckoutRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    plan: str = Field(max_length=40, description="a plan id of the catalog, e.g. starter")


def base_url(request: Request) -> str:
    """Where people reach the app: PUBLIC_URL, else the base URL this request came to."""
    settings: GatewaySettings = request.app.state.context.settings
    return settings.public_url.rstrip("/") or str(request.base_url).rstrip("/")


@router.get("/plans", summary="The plan catalog: prices, limits and features")
async def list_plans(billing: BillingApi, caller: SignedIn) -> Plans:
    return await billing.plans()


@router.get(
    "/workspaces/{workspace_id}/billing",
    summary="The plan, its period and status, the usage of every limit, and the catalog",
)
async def billing_page(billing: BillingApi, scope: Readers) -> BillingPage:
    return await billing.page(scope.workspace_id)


@router.post(
    "/workspaces/{workspace_id}/billing/checkout",
    summary="Start buying a plan: the Stripe Checkout URL to send the browser to",
)
async def checkout(
    billing: BillingApi,
    identity: IdentityApi,
    scope: Managers,
    body: CheckoutRequest,
    request: Request,
) -> CheckoutSession:
    user = (await identity.identity.me(user_of(scope.caller))).user
    return await billing.checkout(
        scope.workspace_id,
        body.plan,
        base_url=base_url(request),
        email=user.email,
        idempotency_key=request.headers.get("idempotency-key"),
    )


@router.post(
    "/workspaces/{workspace_id}/billing/portal",
    summary="Stripe's billing portal (change plan, card, cancel): its URL",
)
async def portal(billing: BillingApi, scope: Managers, request: Request) -> PortalSession:
    user_of(scope.caller)
    return await billing.portal(
        scope.workspace_id,
        base_url=base_url(request),
        idempotency_key=request.headers.get("idempotency-key"),
    )


@router.get("/workspaces/{workspace_id}/billing/invoices", summary="Invoices, newest first")
async def invoices(
    billing: BillingApi,
    scope: Managers,
    limit: Annotated[int, Query(ge=1, le=100)] = 12,
    cursor: Annotated[str, Query(max_length=200)] = "",
) -> Invoices:
    user_of(scope.caller)
    return await billing.invoices(scope.workspace_id, limit=limit, cursor=cursor)
