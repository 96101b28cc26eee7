"""Typed dependencies of the routes: what each handler may use, taken from the context the
composition root put on `app.state` (never a module-level client)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from parley.gateway.api.context import GatewayContext
from parley.gateway.application.channels import Channels
from parley.gateway.application.executions import Executions
from parley.gateway.application.flows import Flows
from parley.gateway.application.identity import Identity
from parley.gateway.application.services import IdentityServices


def context_of(request: Request) -> GatewayContext:
    context: GatewayContext = request.app.state.context
    return context


Context = Annotated[GatewayContext, Depends(context_of)]


def _identity(context: Context) -> IdentityServices:
    return context.identity


def _accounts(context: Context) -> Identity:
    return context.identity.identity


def _flows(context: Context) -> Flows:
    return context.flows


def _executions(context: Context) -> Executions:
    return context.executions


def _channels(context: Context) -> Channels:
    return context.channels


IdentityApi = Annotated[IdentityServices, Depends(_identity)]
AccountsApi = Annotated[Identity, Depends(_accounts)]
FlowsApi = Annotated[Flows, Depends(_flows)]
ExecutionsApi = Annotated[Executions, Depends(_executions)]
ChannelsApi = Annotated[Channels, Depends(_channels)]
