"""Adapters of the flow engine: how executions reach the outside world."""
