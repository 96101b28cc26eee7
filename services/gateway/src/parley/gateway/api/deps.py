"""Typed dependencies of the routes: what each handler may use, taken from the context the
composition root put on `app.state` (never a module-level client)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from parley.contracts.ai.knowledge import DOCUMENTS_BUCKET
from parley.gateway.adapters.import_files import ImportFiles
from parley.gateway.api.context import GatewayContext
from parley.gateway.application.billing import Billing
from parley.gateway.application.campaigns import Campaigns
from parley.gateway.application.channels import Channels
from parley.gateway.application.contacts import Contacts
from parley.gateway.application.executions import Executions
from parley.gateway.application.flows import Flows
from parley.gateway.application.identity import Identity
from parley.gateway.application.imports import Imports
from parley.gateway.application.knowledge import Knowledge
from parley.gateway.application.lead_jobs import LeadJobs
from parley.gateway.application.segments import Segments
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


# CRM and campaigns are thin over the services they ask, so they are made from the context as
# a request needs them (GraphQL's resolvers call these too).
def contacts_of(context: GatewayContext) -> Contacts:
    return Contacts(context.services)


def segments_of(context: GatewayContext) -> Segments:
    return Segments(context.services)


def imports_of(context: GatewayContext) -> Imports:
    files = ImportFiles(context.nc)
    return Imports(context.services, files, max_bytes=context.settings.max_import_bytes)


def campaigns_of(context: GatewayContext) -> Campaigns:
    return Campaigns(context.services, context.quotas)


def billing_of(context: GatewayContext) -> Billing:
    return Billing(context.services, context.identity.organizations)


def knowledge_of(context: GatewayContext) -> Knowledge:
    # Kept until removed: ai-rag reads a document's file again to re-index it.
    files = ImportFiles(
        context.nc,
        bucket=DOCUMENTS_BUCKET,
        description="Knowledge-base documents (uploads and text)",
        ttl_seconds=None,
    )
    return Knowledge(
        context.services, files, context.quotas, max_bytes=context.settings.max_document_bytes
    )


def lead_jobs_of(context: GatewayContext) -> LeadJobs:
    return LeadJobs(context.services, context.quotas)


def _knowledge(context: Context) -> Knowledge:
    return knowledge_of(context)


def _lead_jobs(context: Context) -> LeadJobs:
    return lead_jobs_of(context)


def _billing(context: Context) -> Billing:
    return billing_of(context)


def _contacts(context: Context) -> Contacts:
    return contacts_of(context)


def _segments(context: Context) -> Segments:
    return segments_of(context)


def _imports(context: Context) -> Imports:
    return imports_of(context)


def _campaigns(context: Context) -> Campaigns:
    return campaigns_of(context)


IdentityApi = Annotated[IdentityServices, Depends(_identity)]
AccountsApi = Annotated[Identity, Depends(_accounts)]
FlowsApi = Annotated[Flows, Depends(_flows)]
ExecutionsApi = Annotated[Executions, Depends(_executions)]
ChannelsApi = Annotated[Channels, Depends(_channels)]
ContactsApi = Annotated[Contacts, Depends(_contacts)]
SegmentsApi = Annotated[Segments, Depends(_segments)]
ImportsApi = Annotated[Imports, Depends(_imports)]
CampaignsApi = Annotated[Campaigns, Depends(_campaigns)]
BillingApi = Annotated[Billing, Depends(_billing)]
KnowledgeApi = Annotated[Knowledge, Depends(_knowledge)]
LeadJobsApi = Annotated[LeadJobs, Depends(_lead_jobs)]
