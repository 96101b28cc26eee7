"""The JetStream KV buckets messaging keeps its shared state in, one config each.

KV rather than Postgres because every replica reads and compare-and-sets them on the send path;
history 1 because only the current value matters.
"""

from __future__ import annotations

from nats.js.api import KeyValueConfig

HOUR = 3600.0
DAY = 24 * HOUR

CHANNELS = KeyValueConfig(bucket="messaging_channels", history=1)
# The conversation with each contact: their WhatsApp id, the number they wrote to, when they
# last wrote (the 24 h window) and whether they opted out.
CONTACTS = KeyValueConfig(bucket="messaging_contacts", history=1)
# One record per SendMessage: the never-twice ledger. Kept 30 days, far beyond any redelivery.
SENDS = KeyValueConfig(bucket="messaging_sends", history=1, ttl=30 * DAY)
# Provider message id -> the send it belongs to, for status webhooks.
PROVIDER_IDS = KeyValueConfig(bucket="messaging_provider_ids", history=1, ttl=30 * DAY)
# Rate-limit state (GCRA theoretical arrival times). A key idle for an hour is in the past anyway.
RATES = KeyValueConfig(bucket="messaging_rates", history=1, ttl=HOUR)
# Recipients reached outside a customer service window, per portfolio, for the tier cap.
REACH = KeyValueConfig(bucket="messaging_reach", history=1, ttl=DAY)
# Inbound message ids already turned into events: a webhook delivered twice is processed once.
SEEN = KeyValueConfig(bucket="messaging_seen_inbound", history=1, ttl=7 * DAY)
# Per-number hourly signal buckets for the watchdog.
HEALTH = KeyValueConfig(bucket="messaging_number_health", history=1)

ALL = (CHANNELS, CONTACTS, SENDS, PROVIDER_IDS, RATES, REACH, SEEN, HEALTH)
