"""Publishing Cloud-API-shaped webhook bodies into INGRESS, signed like Meta signs them.

The sandbox uses it for its customers' messages and its statuses, so they take the one path
real webhooks take after the gateway.
"""

from __future__ import annotations

import json
import time
from typing import Any

from nats.js import JetStreamContext

from parley.contracts.ingress import (
    RECEIVED_AT_HEADER,
    WHATSAPP_SIGNATURE_HEADER,
    whatsapp_ingress_subject,
)
from parley.messaging.domain.signatures import sign


async def publish_webhook(
    js: JetStreamContext, route: str, body: dict[str, Any], app_secret: str, msg_id: str
) -> None:
    raw = json.dumps(body, separators=(",", ":")).encode()
    headers = {
        WHATSAPP_SIGNATURE_HEADER: sign(raw, app_secret),
        RECEIVED_AT_HEADER: f"{time.time():.6f}",
        "Nats-Msg-Id": msg_id,
    }
    await js.publish(whatsapp_ingress_subject(route), raw, headers=headers)
