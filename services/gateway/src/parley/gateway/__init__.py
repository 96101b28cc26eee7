"""Parley gateway service.

Public REST, GraphQL and WebSocket entry point, auth and webhook ingress.
"""

from importlib.metadata import version

__version__ = version("parley-gateway")
