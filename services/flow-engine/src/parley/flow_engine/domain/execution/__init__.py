"""Executions: one contact's run of one published flow version, event-sourced and pure."""

from parley.flow_engine.domain.execution.decide import (
    ExecutionDecider,
    ExecutionInput,
    ExecutionRefused,
    decide,
)
from parley.flow_engine.domain.execution.state import Execution, Waiting, evolve

__all__ = [
    "Execution",
    "ExecutionDecider",
    "ExecutionInput",
    "ExecutionRefused",
    "Waiting",
    "decide",
    "evolve",
]
