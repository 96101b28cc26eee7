"""How verified webhook bodies sit in the INGRESS stream, between the gateway and their owner.

The message data is the raw body, byte for byte as the platform sent it (so the signature can
be checked again downstream); the headers carry the signature and when it was received.
`route` is the channel id when the webhook URL names one, else `meta` (Meta's single callback
URL per app), or `stripe`.
"""

from __future__ import annotations

from parley.contracts.subjects import token

WHATSAPP_SIGNATURE_HEADER = "X-Hub-Signature-256"
STRIPE_SIGNATURE_HEADER = "Stripe-Signature"
RECEIVED_AT_HEADER = "Parley-Received-At"


def whatsapp_ingress_subject(route: str = "meta") -> str:
    return f"ingress.whatsapp.{token('route', route)}"


def stripe_ingress_subject() -> str:
    return "ingress.stripe.events"
