"""Webhook emitter: Meta's envelope, signature, batching, duplicates, reordering and retries.

Meta delivers at least once, concurrently and in no guaranteed order (platform-facts §A4); the
emitter reproduces each of those on request so the receiver's dedup and monotonic status logic
gets exercised, not just its happy path.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp

from parley.messaging.testing.errors import webhook_error

StatusName = Literal["sent", "delivered", "read", "failed"]


def sign(body: bytes, app_secret: str) -> str:
    """`X-Hub-Signature-256` value: HMAC-SHA256 of the exact body bytes."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class StatusEvent:
    """One status change of one sent message."""

    wamid: str
    status: StatusName
    phone_number_id: str
    recipient_id: str
    timestamp: int
    category: str = "service"
    error_code: int | None = None

    def to_json(self) -> dict[str, Any]:
        status: dict[str, Any] = {
            "id": self.wamid,
            "status": self.status,
            "timestamp": str(self.timestamp),
            "recipient_id": self.recipient_id,
        }
        if self.status in ("sent", "delivered"):
            status["pricing"] = {
                "billable": True,
                "pricing_model": "PMP",
                "type": "regular",
                "category": self.category,
            }
        if self.status == "failed":
            status["errors"] = [webhook_error(self.error_code or 131000)]
        return status


@dataclass(frozen=True)
class Delivery:
    """One POST as the receiver saw it: bytes sent, attempts made, last HTTP status."""

    body: bytes
    attempts: int
    status: int | None

    @property
    def payload(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded


@dataclass
class WebhookEmitter:
    """Posts signed webhooks to one callback URL, retrying non-200 answers."""

    url: str
    verify_token: str
    app_secret: str
    waba_id: str
    display_phone_number: str
    retries: int = 3
    retry_delay: float = 0.05
    seed: int = 0
    deliveries: list[Delivery] = field(default_factory=list)
    _session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def envelope(self, values: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """Meta's outer shape; one change per business number's `value`."""
        changes = [
            {
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {
                        "display_phone_number": self.display_phone_number,
                        "phone_number_id": phone_number_id,
                    },
                    **value,
                },
                "field": "messages",
            }
            for phone_number_id, value in values.items()
        ]
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": self.waba_id, "changes": changes}],
        }

    async def post(self, payload: dict[str, Any]) -> Delivery:
        """Serialise once, sign those bytes, and retry with a growing delay like Meta."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(body, self.app_secret),
        }
        status: int | None = None
        attempts = 0
        for attempt in range(self.retries + 1):
            attempts += 1
            try:
                async with self._client().post(self.url, data=body, headers=headers) as response:
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = None
            if status == 200:
                break
            if attempt < self.retries:
                await asyncio.sleep(self.retry_delay * 2**attempt)
        delivery = Delivery(body=body, attempts=attempts, status=status)
        self.deliveries.append(delivery)
        return delivery

    async def emit_statuses(
        self,
        events: Sequence[StatusEvent],
        *,
        batch_size: int = 1000,
        duplicate: bool = False,
        reorder: bool = False,
    ) -> list[Delivery]:
        """Send events in batches; `duplicate` repeats every event, `reorder` shuffles them."""
        ordered = list(events)
        if duplicate:
            ordered = ordered + ordered
        if reorder and len(ordered) > 1:
            shuffled = ordered[:]
            random.Random(self.seed).shuffle(shuffled)
            ordered = shuffled if shuffled != ordered else ordered[::-1]
        deliveries = []
        for start in range(0, len(ordered), batch_size):
            values: dict[str, dict[str, Any]] = {}
            for event in ordered[start : start + batch_size]:
                value = values.setdefault(event.phone_number_id, {"statuses": []})
                value["statuses"].append(event.to_json())
            deliveries.append(await self.post(self.envelope(values)))
        return deliveries

    async def emit_inbound_text(
        self, phone_number_id: str, from_phone: str, text: str, profile_name: str, timestamp: int
    ) -> tuple[str, Delivery]:
        """A user's text message (§A4 inbound shape); returns its wamid and the delivery."""
        wamid = "wamid." + secrets.token_urlsafe(24)
        value = {
            "contacts": [{"profile": {"name": profile_name}, "wa_id": from_phone}],
            "messages": [
                {
                    "from": from_phone,
                    "id": wamid,
                    "timestamp": str(timestamp),
                    "type": "text",
                    "text": {"body": text},
                }
            ],
        }
        return wamid, await self.post(self.envelope({phone_number_id: value}))

    async def verify_subscription(self) -> bool:
        """Meta's GET handshake: the receiver must echo `hub.challenge` verbatim."""
        challenge = str(secrets.randbelow(10**10))
        params = {
            "hub.mode": "subscribe",
            "hub.verify_token": self.verify_token,
            "hub.challenge": challenge,
        }
        try:
            async with self._client().get(self.url, params=params) as response:
                return response.status == 200 and (await response.text()) == challenge
        except (aiohttp.ClientError, TimeoutError):
            return False
