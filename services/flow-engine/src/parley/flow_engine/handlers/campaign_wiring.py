"""Everything campaigns add to the flow-engine service, wired in one place (see app.py)."""

from __future__ import annotations

import asyncio

from parley.contracts.campaigns.queries import (
    ChangeCampaign,
    DryRunCampaign,
    GetCampaign,
    ListCampaigns,
)
from parley.contracts.schema_export import import_all_contracts
from parley.flow_engine.adapters.campaign_recipients import CampaignRecipients
from parley.flow_engine.adapters.campaign_views import CampaignViews
from parley.flow_engine.adapters.crm_audience import CrmAudience
from parley.flow_engine.adapters.number_info import NumberInfo
from parley.flow_engine.adapters.published_flows import PublishedFlows
from parley.flow_engine.handlers import (
    campaign_deliveries,
    campaign_opt_outs,
    campaign_read_model,
    campaign_timers,
)
from parley.flow_engine.handlers.campaign_checks import CampaignChecks
from parley.flow_engine.handlers.campaign_commands import CampaignCommands
from parley.flow_engine.handlers.campaign_dispatcher import CampaignDispatcher
from parley.flow_engine.handlers.campaign_launcher import CampaignLauncher, CampaignLog
from parley.flow_engine.handlers.campaign_plan import CampaignPlan
from parley.flow_engine.handlers.campaign_queries import CampaignQueries
from parley.flow_engine.settings import FlowEngineSettings
from parley.runtime.service import Service


def wire_campaigns(
    service: Service,
    settings: FlowEngineSettings,
    flows: PublishedFlows,
    plan: CampaignPlan | None = None,
) -> CampaignDispatcher:
    # The statuses and opt-out projections read every event of messaging's and crm's streams:
    # each type must be known to decode it, whichever module declares it.
    import_all_contracts()
    views = CampaignViews(service.engine, service.schema)
    recipients = CampaignRecipients(service.engine, service.schema)
    campaign_log = CampaignLog(service.nc)
    checks = CampaignChecks(
        CrmAudience(service.nc, timeout=settings.campaign_query_timeout),
        NumberInfo(service.nc),
        flows,
        recipients,
        plan,
    )
    launcher = CampaignLauncher(campaign_log, checks, recipients)
    commands = CampaignCommands(service.nc, campaign_log, checks, launcher, views)
    queries = CampaignQueries(views)
    service.add_query("change-campaign", ChangeCampaign, commands.answer)
    service.add_query("dry-run-campaign", DryRunCampaign, commands.dry_run)
    service.add_query("get-campaign", GetCampaign, queries.get_campaign)
    service.add_query("list-campaigns", ListCampaigns, queries.list_campaigns)
    service.add_projection(campaign_read_model.CampaignReadModel(), campaign_read_model.CONSUMER)
    service.add_projection(campaign_deliveries.CampaignDeliveries(), campaign_deliveries.CONSUMER)
    service.add_projection(campaign_opt_outs.CampaignOptOuts(), campaign_opt_outs.CONSUMER)
    service.add_consumer(
        campaign_timers.CONSUMER, campaign_timers.CampaignTimers(campaign_log, launcher).handle
    )
    dispatcher = CampaignDispatcher(
        service.nc,
        service.engine,
        views,
        recipients,
        campaign_log,
        flows,
        tick=settings.campaign_tick_seconds,
    )

    async def start(_: Service) -> None:
        task = asyncio.create_task(dispatcher.run(), name="campaign dispatcher")

        async def stop() -> None:
            dispatcher.stop()
            await task

        service.on_stop.append(stop)

    service.on_start.append(start)
    return dispatcher
