"""Messaging contracts: what the messaging service is asked to send, and what it reports."""
