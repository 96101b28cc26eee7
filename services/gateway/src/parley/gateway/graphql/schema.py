"""The GraphQL schema and its FastAPI router, mounted at `/graphql`.

HTTP: POST (and GET for queries) with `Authorization: Bearer <access token or API key>`, read
when a field first needs the caller. WebSocket: the graphql-transport-ws protocol only; the
`connection_init` payload carries `{"authorization": "Bearer ..."}` (or the handshake its
`Authorization` header) and a connection whose token is missing or rejected is closed (4403)
before any operation runs.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import strawberry
from graphql import GraphQLError
from starlette.requests import HTTPConnection
from strawberry.exceptions import ConnectionRejectionError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter
from strawberry.fastapi import GraphQLRouter
from strawberry.schema.config import StrawberryConfig
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from strawberry.types.unset import UnsetType

from parley.gateway.api.context import GatewayContext
from parley.gateway.api.problems import Problem
from parley.gateway.graphql import billing_fields, campaign_fields, crm_fields
from parley.gateway.graphql.context import GraphQLContext, bearer
from parley.gateway.graphql.errors import MaskUnexpected
from parley.gateway.graphql.mutations import Mutation
from parley.gateway.graphql.queries import Query
from parley.gateway.graphql.subscriptions import Subscription
from parley.gateway.graphql.types import LONG, Long
from parley.runtime.logs import get_logger

log = get_logger("parley.gateway.graphql")
MAX_ALIASES = 20
MAX_TOKENS = 5000


class _Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Quiet: refusals are answers, not faults; what is unexpected was logged already (by
        `errors.graphql_error`) or is logged as it is masked (`MaskUnexpected`)."""


def build_schema() -> strawberry.Schema:
    # Each area's fields live in their own module, under classes named Query and Mutation.
    query = merge_types(
        "Query", (Query, crm_fields.Query, campaign_fields.Query, billing_fields.Query)
    )
    mutation = merge_types("Mutation", (Mutation, crm_fields.Mutation, campaign_fields.Mutation))
    return _Schema(
        query=query,
        mutation=mutation,
        subscription=Subscription,
        # A document's aliases bound how many service calls one request makes.
        extensions=[
            MaskUnexpected,
            partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
            partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        ],
        config=StrawberryConfig(scalar_map={Long: LONG}),
    )


class _Router(GraphQLRouter[GraphQLContext, None]):
    async def on_ws_connect(self, context: GraphQLContext) -> UnsetType | dict[str, object] | None:
        """Authenticate the connection once, from `connection_init`, or refuse it."""
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        header = params.get("authorization") or params.get("Authorization")
        if not isinstance(header, str):
            header = context.connection.headers.get("authorization", "")
        try:
            context.authenticated = await context.gateway.authenticator.caller(bearer(header))
        except Problem as refused:
            log.info("graphql websocket refused", code=refused.code)
            raise ConnectionRejectionError(
                {"code": refused.code, "detail": refused.detail}
            ) from None
        return await super().on_ws_connect(context)


def graphql_router(gateway: GatewayContext) -> GraphQLRouter[GraphQLContext, None]:
    """The GraphQL router; include it with `prefix="/graphql"`."""

    async def context_getter(connection: HTTPConnection) -> GraphQLContext:
        return GraphQLContext(gateway, connection)

    settings = gateway.settings
    return _Router(
        build_schema(),
        context_getter=context_getter,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        connection_init_wait_timeout=timedelta(seconds=10),
        allowed_origins=settings.cors_origins,
        graphql_ide="graphiql" if settings.parley_env == "development" else None,
    )
