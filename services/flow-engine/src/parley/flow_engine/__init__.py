"""Parley flow-engine service: flows, executions, timers and campaigns."""

from importlib.metadata import version

__version__ = version("parley-flow-engine")
