"""Composition root of the messaging service: settings, then the service kit, then run.

Nothing connects at import time; `build` wires everything and hands it to the runner.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from parley.contracts.messaging.channels import ChangeChannel, GetNumberHealth, ListChannels
from parley.contracts.messaging.sandbox import SandboxConversation, SandboxSend
from parley.contracts.messaging.stats import GetMessageStats
from parley.contracts.messaging.webhooks import VerifyWebhook, VerifyWebhookSubscription
from parley.contracts.streams import CRM, INGRESS, USAGE
from parley.messaging import __version__
from parley.messaging.adapters.channel_store import ChannelStore
from parley.messaging.adapters.contacts import Conversations
from parley.messaging.adapters.provider_ids import ProviderIds
from parley.messaging.adapters.quota import MessageQuota
from parley.messaging.adapters.rate_limits import RateLimits
from parley.messaging.adapters.reach import Reach
from parley.messaging.adapters.sandbox_store import SandboxStore
from parley.messaging.adapters.secrets import SecretBox
from parley.messaging.adapters.send_ledger import SendLedger
from parley.messaging.handlers import erasures, ingress, message_stats, opt_outs, outbound, watchdog
from parley.messaging.handlers.channel_requests import ChannelRequests
from parley.messaging.handlers.erasures import Erasures
from parley.messaging.handlers.ingress import Ingress
from parley.messaging.handlers.message_stats import MessageStatsQueries, MessageStatsReadModel
from parley.messaging.handlers.number_pauses import NumberPauses
from parley.messaging.handlers.opt_outs import OptOuts
from parley.messaging.handlers.outbound import Outbound, OutboundSettings
from parley.messaging.handlers.sandbox_requests import SandboxRequests
from parley.messaging.handlers.watchdog import Watchdog
from parley.messaging.handlers.webhook_auth import WebhookAuth
from parley.messaging.handlers.webhook_requests import WebhookRequests
from parley.messaging.metrics import MessagingMetrics
from parley.messaging.providers.base import Provider
from parley.messaging.providers.cloud_api import CloudApi
from parley.messaging.providers.sandbox import SandboxProvider
from parley.messaging.settings import MessagingSettings
from parley.runtime.quotas import Quotas
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "messaging"
DESCRIPTION = (
    "Parley messaging service: "
    "WhatsApp channels, providers, rate limits, retries and number health."
)
MIGRATIONS = Path(__file__).with_name("migrations")


def build(settings: MessagingSettings | None = None) -> Service:
    """The service, wired; settings come from the environment unless given (tests)."""
    config = settings or load_settings(MessagingSettings)
    service = Service(
        name=NAME,
        version=__version__,
        settings=config,
        description=DESCRIPTION,
        migrations=MIGRATIONS,
    )
    # Messaging reads webhook bodies the gateway stores, crm's consent events and billing's
    # usage counters; it creates those streams (from the one catalog) if it starts first.
    service.streams = (*service.streams, INGRESS, CRM, USAGE)
    nc = service.nc
    assert config.secret_key is not None  # the settings validator always provides one
    box = SecretBox(config.secret_key.get_secret_value())
    metrics = MessagingMetrics(service.metrics)
    channels = ChannelStore(nc)
    conversations = Conversations(nc)
    provider_ids = ProviderIds(nc)
    limits = RateLimits(nc, pair_burst=config.pair_burst)
    pauses = NumberPauses(nc, channels, metrics)
    sandbox_store = SandboxStore(service.engine, service.schema)
    cloud_api = CloudApi(
        config.whatsapp_api_base_url,
        config.whatsapp_api_version,
        timeout=config.whatsapp_call_timeout,
    )
    providers: dict[str, Provider] = {
        "cloud_api": cloud_api,
        "sandbox": SandboxProvider(nc, sandbox_store, box),
    }
    # One per service: it caches each workspace's entitlements for half a second.
    quotas = Quotas(nc)
    requests = ChannelRequests(nc, channels, box, cloud_api, quotas)
    dog = Watchdog(nc, channels, metrics)
    pipeline = Outbound(
        nc,
        channels=channels,
        conversations=conversations,
        ledger=SendLedger(nc),
        provider_ids=provider_ids,
        limits=limits,
        reach=Reach(nc),
        quota=MessageQuota(quotas),
        box=box,
        providers=providers,
        pauses=pauses,
        settings=OutboundSettings(
            call_timeout=config.whatsapp_call_timeout,
            unknown_outcome=config.unknown_outcome,
            pause_recheck=config.paused_recheck_seconds,
        ),
        rate_factor=dog.rate_factor,
        default_channel=requests.ensure_sandbox if config.sandbox_default else _none,
        metrics=metrics,
    )
    service.add_consumer(
        replace(outbound.CONSUMER, concurrency=config.send_concurrency), pipeline.handle
    )
    auth = WebhookAuth(channels, box)
    webhooks = Ingress(
        nc,
        channels=channels,
        conversations=conversations,
        provider_ids=provider_ids,
        limits=limits,
        auth=auth,
        sandbox=sandbox_store,
        pauses=pauses,
        metrics=metrics,
    )
    service.add_consumer(ingress.CONSUMER, webhooks.handle)
    service.add_consumer(watchdog.CONSUMER, dog.handle, batch_handler=dog.handle_batch)
    service.add_consumer(opt_outs.CONSUMER, OptOuts(conversations, dog).handle)
    service.add_consumer(erasures.CONSUMER, Erasures(nc, conversations, sandbox_store).handle)
    service.add_query("change-channel", ChangeChannel, requests.answer)
    service.add_query("list-channels", ListChannels, requests.list)
    service.add_query("number-health", GetNumberHealth, dog.answer)
    # The dashboard's counts: a read model of messaging's own events, exactly once per event.
    service.add_projection(MessageStatsReadModel(), message_stats.CONSUMER)
    stats = MessageStatsQueries(service.engine, service.schema)
    service.add_query("message-stats", GetMessageStats, stats.answer)
    simulator = SandboxRequests(nc, channels, sandbox_store, box)
    service.add_query("sandbox-send", SandboxSend, simulator.send)
    service.add_query("sandbox-conversation", SandboxConversation, simulator.conversation)
    # The gateway's checks of a webhook before it stores or answers it (the secrets stay here).
    door = WebhookRequests(channels, box, auth)
    service.add_query("verify-webhook", VerifyWebhook, door.verify)
    service.add_query("verify-webhook-subscription", VerifyWebhookSubscription, door.subscription)

    async def close_http() -> None:
        await cloud_api.close()

    async def on_start(service: Service) -> None:
        service.on_stop.append(close_http)

    service.on_start.append(on_start)
    return service


async def _none(workspace_id: str) -> None:
    del workspace_id


def main() -> None:
    run_service(build())
