"""The gateway's adapters: its tables in Postgres, the other services over NATS."""
