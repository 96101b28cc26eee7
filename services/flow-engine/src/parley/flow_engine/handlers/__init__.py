"""Consumers and query endpoints of the flow engine."""
