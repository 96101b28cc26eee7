"""Embedded servers for laptops and tests: real nats-server and PostgreSQL as child processes."""

from parley.runtime.embedded.nats import EmbeddedNats
from parley.runtime.embedded.ports import free_port
from parley.runtime.embedded.postgres import EmbeddedPostgres

__all__ = ["EmbeddedNats", "EmbeddedPostgres", "free_port"]
