"""The GraphQL API at `/graphql`: the same reads, changes and permissions as the REST API, over
the same application layer, and live execution events as subscriptions."""

from parley.gateway.graphql.context import FIELD_PERMISSIONS, SIGNED_IN, needs
from parley.gateway.graphql.schema import build_schema, graphql_router

__all__ = ["FIELD_PERMISSIONS", "SIGNED_IN", "build_schema", "graphql_router", "needs"]
