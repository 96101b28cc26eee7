"""Settings of the messaging service."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from parley.runtime.settings import Port, ServiceSettings


class MessagingSettings(ServiceSettings):
    # Each service has its own default health port, so all seven run side by side on one host.
    health_port: Port = 9103
    # Where the Cloud API lives; tests and benchmarks point it at the local fake.
    whatsapp_api_base_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = Field(default="v25.0", pattern=r"^v\d+\.\d+$")
    whatsapp_call_timeout: float = Field(default=10.0, gt=0, le=30)
    # After a crash mid-call nobody knows whether WhatsApp took the message: `fail` reports
    # UNKNOWN_OUTCOME (never a duplicate), `resend` sends again (never a loss).
    unknown_outcome: Literal["fail", "resend"] = "fail"
    # A workspace with no number sends through its own sandbox number. On by default outside
    # production, so a new user can talk to their bot without Meta credentials.
    sandbox_by_default: bool | None = None
    # How often sends waiting on a paused number look again whether it was resumed.
    paused_recheck_seconds: float = Field(default=30.0, gt=0, le=600)
    # Messages in flight per replica (each waits for its slot under the number's rate).
    send_concurrency: int = Field(default=512, ge=1, le=10_000)
    # Messages a recipient may get at once before the pair limit's 1 per 6 s applies.
    pair_burst: int = Field(default=5, ge=1, le=45)

    @property
    def sandbox_default(self) -> bool:
        if self.sandbox_by_default is not None:
            return self.sandbox_by_default
        return self.parley_env != "production"
