"""The FastAPI application: REST under /api/v1, webhooks, GraphQL, the live WebSocket.

Middleware, outermost first: security headers, CORS, body size, rate limit per client address,
no text a store cannot keep, Idempotency-Key replay; then the routes, whose errors all leave as
problem+json.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, FastAPI
from starlette.middleware.cors import CORSMiddleware

from parley.gateway import __version__
from parley.gateway.adapters.idempotency_store import IdempotencyStore
from parley.gateway.api import identity_errors, problems
from parley.gateway.api.context import GatewayContext
from parley.gateway.api.idempotency import Idempotency
from parley.gateway.api.middleware import BodyLimit, ClientRateLimit, SecurityHeaders, TextGuard
from parley.gateway.api.routes import (
    api_keys,
    auth,
    billing,
    campaigns,
    channels,
    contacts,
    dashboard,
    executions,
    flows,
    imports,
    knowledge,
    lead_jobs,
    live,
    roles,
    segments,
    webhooks,
    workspaces,
)
from parley.gateway.api.static_files import web_router
from parley.gateway.graphql import graphql_router

API_PREFIX = "/api/v1"
# The contact import's upload streams its body to the object store, with its own size limit.
IMPORT_UPLOAD = re.compile(rf"^{API_PREFIX}/workspaces/[^/]+/imports/?$")
# A document's file (new, or a document's next revision): multipart, with a limit of its own.
DOCUMENT_UPLOAD = re.compile(
    rf"^{API_PREFIX}/workspaces/[^/]+/knowledge-bases/[^/]+/documents/(upload|[^/]+/upload)/?$"
)
# The multipart envelope around a document's file (boundaries, part headers, title, format).
MULTIPART_OVERHEAD = 64 * 1024
DESCRIPTION = """Parley's public API: identity and workspaces, flows, executions, WhatsApp
numbers and the sandbox, contacts, segments, imports and campaigns, plans and billing,
knowledge bases and lead capture.
Authenticate with `Authorization: Bearer <access token or API key>`. Errors are RFC 9457
problem details naming the field and the rule. Lists are cursor-paginated (`limit`, `cursor` →
`next_cursor`). Send `Idempotency-Key` on a POST to make a retry safe."""


def create_api(context: GatewayContext, idempotency: IdempotencyStore) -> FastAPI:
    app = FastAPI(
        title="Parley API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.context = context
    problems.install(app)
    identity_errors.install(app)
    api = APIRouter(prefix=API_PREFIX)
    for module in (
        auth,
        workspaces,
        api_keys,
        flows,
        executions,
        channels,
        contacts,
        segments,
        imports,
        campaigns,
        dashboard,
        billing,
        knowledge,
        lead_jobs,
        roles,
    ):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(webhooks.router)
    app.include_router(live.router)
    app.include_router(graphql_router(context), prefix="/graphql")
    # Last: every other GET is the web app's.
    app.include_router(web_router(context.settings.web_dist_dir))
    settings = context.settings
    app.add_middleware(
        Idempotency,
        store=idempotency,
        scope_of=context.authenticator.idempotency_scope,
        uploads=[IMPORT_UPLOAD, DOCUMENT_UPLOAD],
    )
    app.add_middleware(TextGuard, uploads=[IMPORT_UPLOAD, DOCUMENT_UPLOAD])
    app.add_middleware(
        ClientRateLimit,
        per_minute=settings.rate_limit_per_ip,
        trust_forwarded=settings.trust_forwarded_for,
    )
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        uploads=[
            (IMPORT_UPLOAD, settings.max_import_bytes),
            (DOCUMENT_UPLOAD, settings.max_document_bytes + MULTIPART_OVERHEAD),
        ],
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["Retry-After", "Idempotent-Replayed"],
            max_age=600,
        )
    app.add_middleware(SecurityHeaders)
    return app
