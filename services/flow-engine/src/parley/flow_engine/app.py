"""Composition root of the flow-engine service: settings, then the service kit, then run.

Nothing connects at import time; `main` builds everything and hands it to the runner.
"""

from __future__ import annotations

from pathlib import Path

from parley.contracts.executions.queries import (
    GetExecution,
    GetExecutionReplay,
    InspectContact,
    ListExecutions,
)
from parley.contracts.executions.stats import GetExecutionStats
from parley.contracts.flows.queries import GetFlow, GetFlowVersion, ListFlows, ListFlowVersions
from parley.contracts.flows.requests import ChangeFlow
from parley.contracts.streams import AI, CRM, MESSAGING
from parley.flow_engine import __version__
from parley.flow_engine.adapters.contact_index import ContactIndex
from parley.flow_engine.adapters.plan_counts import PlanCounts
from parley.flow_engine.adapters.published_flows import PublishedFlows
from parley.flow_engine.adapters.routing_log import RoutingLog
from parley.flow_engine.handlers import (
    ai_answers,
    crm_events,
    erasures,
    execution_effects,
    execution_inputs,
    execution_timers,
    external_http,
    inbound_router,
)
from parley.flow_engine.handlers.ai_answers import AiAnswers
from parley.flow_engine.handlers.campaign_plan import CampaignPlan
from parley.flow_engine.handlers.campaign_wiring import wire_campaigns
from parley.flow_engine.handlers.crm_events import CrmEvents
from parley.flow_engine.handlers.erasures import Erasures
from parley.flow_engine.handlers.execution_effects import ExecutionEffects
from parley.flow_engine.handlers.execution_inputs import ExecutionInputs, ExecutionRunner
from parley.flow_engine.handlers.execution_read_model import CONSUMER as EXECUTION_READ_MODEL
from parley.flow_engine.handlers.execution_read_model import ExecutionReadModel
from parley.flow_engine.handlers.execution_stats import ExecutionStatsQueries
from parley.flow_engine.handlers.execution_timers import ExecutionTimers
from parley.flow_engine.handlers.external_http import ExternalHttp
from parley.flow_engine.handlers.flow_commands import FlowCommands
from parley.flow_engine.handlers.flow_plan import FlowPlan
from parley.flow_engine.handlers.flow_read_model import CONSUMER as FLOW_READ_MODEL
from parley.flow_engine.handlers.flow_read_model import FlowReadModel
from parley.flow_engine.handlers.inbound_router import InboundRouter
from parley.flow_engine.handlers.inspector import ContactInspector
from parley.flow_engine.handlers.read_queries.executions import ExecutionQueries
from parley.flow_engine.handlers.read_queries.flow_versions import FlowVersionQueries
from parley.flow_engine.handlers.read_queries.flows import FlowQueries
from parley.flow_engine.handlers.replay_queries import ExecutionReplayer
from parley.flow_engine.metrics import FlowEngineMetrics
from parley.flow_engine.settings import FlowEngineSettings
from parley.runtime.outbound import OutboundPolicy
from parley.runtime.quotas import Quotas
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "flow-engine"
DESCRIPTION = "Parley flow-engine service: flows, executions, timers and campaigns."
MIGRATIONS = Path(__file__).with_name("migrations")


def build(settings: FlowEngineSettings | None = None) -> Service:
    """The service, wired; settings come from the environment unless given (tests)."""
    service_settings = settings or load_settings(FlowEngineSettings)
    service = Service(
        name=NAME,
        version=__version__,
        settings=service_settings,
        description=DESCRIPTION,
        migrations=MIGRATIONS,
    )
    service.add_projection(FlowReadModel(), FLOW_READ_MODEL)
    service.add_projection(ExecutionReadModel(), EXECUTION_READ_MODEL)
    inspector = ContactInspector(service.engine, service.schema)
    service.add_query("inspect-contact", InspectContact, inspector.answer)
    # The plan's limits (issue 8), read from billing's entitlements at the moment of the action:
    # publish (published_flows, ai_node), launch and schedule (active_campaigns, and the dry
    # run's messages left), and each AI question (ai_answers).
    quotas = Quotas(service.nc)
    counts = PlanCounts(service.engine, service.schema)
    flow_commands = FlowCommands(service.nc, FlowPlan(quotas, counts))
    service.add_query("change-flow", ChangeFlow, flow_commands.answer)
    replayer = ExecutionReplayer(service.nc, service.engine, service.schema)
    service.add_query("execution-replay", GetExecutionReplay, replayer.answer)
    # The gateway's reads: pages of flows, versions and executions, and one of each in full.
    flows_read = FlowQueries(service.engine, service.schema)
    service.add_query("list-flows", ListFlows, flows_read.list_flows)
    service.add_query("get-flow", GetFlow, flows_read.get_flow)
    versions_read = FlowVersionQueries(service.engine, service.schema)
    service.add_query("list-flow-versions", ListFlowVersions, versions_read.list_versions)
    service.add_query("get-flow-version", GetFlowVersion, versions_read.get_version)
    executions_read = ExecutionQueries(service.engine, service.schema)
    service.add_query("list-executions", ListExecutions, executions_read.list_executions)
    service.add_query("get-execution", GetExecution, executions_read.get_execution)
    stats = ExecutionStatsQueries(service.engine, service.schema)
    service.add_query("execution-stats", GetExecutionStats, stats.answer)
    # The engine consumes messaging's and ai-rag's events and sends commands to them and to crm;
    # it creates their streams (from the one catalog, so with the same config) when it starts
    # before their owners.
    service.streams = (*service.streams, MESSAGING, AI, CRM)
    outbound = OutboundPolicy(allow_private=service_settings.outbound_allow_private)
    holds = ContactIndex(service.nc, replicas=service_settings.stream_replicas)
    flows = PublishedFlows(service.engine, service.schema)
    runner = ExecutionRunner(service.nc, holds, FlowEngineMetrics(service.metrics))
    service.add_consumer(execution_inputs.CONSUMER, ExecutionInputs(runner).handle)
    service.add_consumer(
        execution_effects.CONSUMER, ExecutionEffects(service.nc, flows, quotas).handle
    )
    service.add_consumer(external_http.CONSUMER, ExternalHttp(service.nc, outbound).handle)
    service.add_consumer(execution_timers.CONSUMER, ExecutionTimers(service.nc).handle)
    routed = RoutingLog(service.nc, replicas=service_settings.stream_replicas)
    router = InboundRouter(service.nc, holds, flows, routed, runner)
    service.add_consumer(inbound_router.CONSUMER, router.handle)
    # crm's tags start tag_added flows; an opt-out cancels the contact's running executions.
    crm_reactions = CrmEvents(service.nc, service.engine, service.schema, flows, runner)
    service.add_consumer(crm_events.CONSUMER, crm_reactions.handle)
    service.add_consumer(erasures.CONSUMER, Erasures(service.engine, service.schema).handle)
    service.add_consumer(ai_answers.CONSUMER, AiAnswers(service.nc, quotas).handle)
    # Campaigns (issue 6): their queries, read models, timers and the dispatcher, in one place.
    wire_campaigns(service, service_settings, flows, CampaignPlan(quotas, counts))
    return service


def main() -> None:
    run_service(build())
