"""Messaging's pure domain: what WhatsApp sends us and what we make of it. No I/O."""
