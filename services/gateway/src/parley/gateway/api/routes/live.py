"""`/ws`: the live console. A browser cannot set headers on a WebSocket, so the access token
(or API key) may come as the `access_token` query parameter; the Authorization header works too.
The socket is authenticated once, at connect: a refused token never gets a socket (HTTP 403 at
the handshake, close code 4401). Each subscription is then checked against the workspace it
names (see `parley.gateway.live.socket_protocol` for the protocol)."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from parley.gateway.api.access import Caller
from parley.gateway.api.context import GatewayContext
from parley.gateway.api.problems import Problem
from parley.gateway.live import serve_live_socket

router = APIRouter(tags=["live"])

UNAUTHENTICATED = 4401


def _token(websocket: WebSocket) -> str:
    header = websocket.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return websocket.query_params.get("access_token", "").strip()


@router.websocket("/ws")
async def live_console(websocket: WebSocket) -> None:
    context: GatewayContext = websocket.app.state.context
    token = _token(websocket)
    try:
        if not token:
            raise Problem(401, "NOT_AUTHENTICATED", "pass ?access_token=<token>")
        caller: Caller = await context.authenticator.caller(token)
    except Problem as refused:
        await websocket.close(code=UNAUTHENTICATED, reason=refused.detail[:120])
        return

    async def authorize(workspace_id: str, permission: str) -> bool:
        found = await context.authenticator.access(caller, workspace_id)
        return found is not None and permission in found[1]

    await websocket.accept()
    await serve_live_socket(
        websocket,
        context.hub,
        context.nc.jetstream(),
        authorize=authorize,
        buffer=context.settings.ws_client_buffer,
    )
