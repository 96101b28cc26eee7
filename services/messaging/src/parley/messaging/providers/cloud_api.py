"""WhatsApp Business Cloud API over HTTP (platform-facts §A1, §A2), with aiohttp.

One connection pool per process. Only what the answer says is trusted: a JSON error body gives
Meta's code; a 5xx without one is treated as Meta's temporary-downtime code 2; a timeout after
the request went out is Unknown, because Meta may have taken the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from parley.messaging.domain.channels import ChannelRecord
from parley.messaging.providers.base import Accepted, NotSent, Rejected, SendResult, Unknown

DEFAULT_BASE_URL = "https://graph.facebook.com"
DEFAULT_VERSION = "v25.0"
NUMBER_FIELDS = (
    "display_phone_number,verified_name,quality_rating,throughput,"
    "whatsapp_business_manager_messaging_limit"
)


@dataclass(frozen=True)
class NumberInfo:
    display_phone_number: str
    verified_name: str
    quality: str
    tier: str


class CloudApi:
    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        version: str = DEFAULT_VERSION,
        *,
        timeout: float = 10.0,
        connections: int = 256,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._version = version
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    @property
    def timeout(self) -> float:
        return float(self._timeout.total or 0)

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(timeout=self._timeout, connector=connector)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, channel: ChannelRecord, token: str, body: dict[str, Any]) -> SendResult:
        url = f"{self._base}/{self._version}/{channel.view.phone_number_id}/messages"
        headers = {"Authorization": f"Bearer {token}"}
        try:
            async with self._http().post(url, json=body, headers=headers) as response:
                status = response.status
                try:
                    answer = await response.json(content_type=None)
                except ValueError:
                    answer = None
        except aiohttp.ClientConnectorError as err:
            return NotSent(f"cannot reach the WhatsApp API: {err}")
        except TimeoutError:
            return Unknown(f"no answer from the WhatsApp API within {self.timeout:g}s")
        except aiohttp.ClientError as err:
            return Unknown(f"the connection to the WhatsApp API broke: {err}")
        return _result(status, answer)

    async def check(self, phone_number_id: str, token: str) -> NumberInfo | Rejected:
        """The live credential check on connect: read the number with the given token."""
        url = f"{self._base}/{self._version}/{phone_number_id}"
        headers = {"Authorization": f"Bearer {token}"}
        try:
            async with self._http().get(
                url, params={"fields": NUMBER_FIELDS}, headers=headers
            ) as response:
                status = response.status
                try:
                    answer = await response.json(content_type=None)
                except ValueError:
                    answer = None
        except (aiohttp.ClientError, TimeoutError) as err:
            return Rejected(0, 0, f"cannot reach the WhatsApp API: {err or type(err).__name__}")
        if status == 200 and isinstance(answer, dict):
            return NumberInfo(
                display_phone_number=str(answer.get("display_phone_number", "")),
                verified_name=str(answer.get("verified_name", "")),
                quality=str(answer.get("quality_rating", "UNKNOWN")),
                tier=str(answer.get("whatsapp_business_manager_messaging_limit", "TIER_250")),
            )
        result = _result(status, answer)
        if isinstance(result, Rejected):
            return result
        return Rejected(0, status, f"unexpected answer from the WhatsApp API (HTTP {status})")


def _result(status: int, answer: Any) -> SendResult:
    if status == 200 and isinstance(answer, dict):
        messages = answer.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return Accepted(str(messages[0].get("id", "")))
    error = answer.get("error") if isinstance(answer, dict) else None
    if isinstance(error, dict) and isinstance(error.get("code"), int):
        data = error.get("error_data")
        details = data.get("details", "") if isinstance(data, dict) else ""
        return Rejected(error["code"], status, str(error.get("message", "")), str(details))
    if status >= 500:
        return Rejected(2, status, f"the WhatsApp API answered HTTP {status}")
    return Rejected(100, status, f"the WhatsApp API answered HTTP {status} without an error")
