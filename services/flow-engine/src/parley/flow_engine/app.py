"""Composition root of the flow-engine service: settings, then the service kit, then run.

Nothing connects at import time; `main` builds everything and hands it to the runner.
"""

from __future__ import annotations

from parley.flow_engine import __version__
from parley.flow_engine.settings import FlowEngineSettings
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "flow-engine"
DESCRIPTION = "Parley flow-engine service: flows, executions, timers and campaigns."


def build() -> Service:
    return Service(
        name=NAME,
        version=__version__,
        settings=load_settings(FlowEngineSettings),
        description=DESCRIPTION,
    )


def main() -> None:
    run_service(build())
