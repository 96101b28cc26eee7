"""Composition root of the flow-engine service: settings, then the service kit, then run.

Nothing connects at import time; `main` builds everything and hands it to the runner.
"""

from __future__ import annotations

from pathlib import Path

from parley.contracts.executions.queries import GetExecutionReplay, InspectContact
from parley.flow_engine import __version__
from parley.flow_engine.handlers import execution_effects, execution_inputs, execution_timers
from parley.flow_engine.handlers.execution_effects import ExecutionEffects
from parley.flow_engine.handlers.execution_inputs import ExecutionInputs
from parley.flow_engine.handlers.execution_read_model import CONSUMER as EXECUTION_READ_MODEL
from parley.flow_engine.handlers.execution_read_model import ExecutionReadModel
from parley.flow_engine.handlers.execution_timers import ExecutionTimers
from parley.flow_engine.handlers.flow_read_model import CONSUMER as FLOW_READ_MODEL
from parley.flow_engine.handlers.flow_read_model import FlowReadModel
from parley.flow_engine.handlers.inspector import ContactInspector
from parley.flow_engine.handlers.replay_queries import ExecutionReplayer
from parley.flow_engine.settings import FlowEngineSettings
from parley.runtime.outbound import OutboundPolicy
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
    replayer = ExecutionReplayer(service.nc, service.engine, service.schema)
    service.add_query("execution-replay", GetExecutionReplay, replayer.answer)
    outbound = OutboundPolicy(allow_private=service_settings.outbound_allow_private)
    service.add_consumer(execution_inputs.CONSUMER, ExecutionInputs(service.nc).handle)
    service.add_consumer(execution_effects.CONSUMER, ExecutionEffects(service.nc, outbound).handle)
    service.add_consumer(execution_timers.CONSUMER, ExecutionTimers(service.nc).handle)
    return service


def main() -> None:
    run_service(build())
