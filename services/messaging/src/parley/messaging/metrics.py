"""Messaging's own Prometheus metrics, in the service's registry (served on /metrics)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

from parley.runtime.metrics import ServiceMetrics


class MessagingMetrics:
    def __init__(self, metrics: ServiceMetrics) -> None:
        registry = metrics.registry
        self.webhooks_rejected = Counter(
            metrics.name("webhooks_rejected", "total"),
            "Webhook bodies dropped, by reason "
            "(missing_signature, bad_signature, unknown_number, not_a_webhook).",
            ["reason"],
            registry=registry,
        )
        self.sends = Counter(
            metrics.name("sends", "total"),
            "Outbound sends settled, by channel, outcome (sent, failed) and code.",
            ["channel_id", "outcome", "code"],
            registry=registry,
        )
        self.limit_waits = Counter(
            metrics.name("rate_limit_waits", "total"),
            "Sends put back to wait for a limit, by limit.",
            ["limit"],
            registry=registry,
        )
        self.health_score = Gauge(
            metrics.name("number_health_score"),
            "The watchdog's health score (0-100) of each number.",
            ["workspace_id", "channel_id"],
            registry=registry,
        )
        self.numbers_paused = Counter(
            metrics.name("numbers_paused", "total"),
            "Numbers paused after WhatsApp refused them at the account level, by error code.",
            ["code"],
            registry=registry,
        )
