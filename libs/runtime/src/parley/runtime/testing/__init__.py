"""Test fixtures: real embedded NATS and PostgreSQL, torn down even when a test fails."""
