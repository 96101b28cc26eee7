"""The read queries the gateway asks: flows, their versions and executions, listed in pages and
fetched one at a time, from the read models and always scoped to the asking workspace."""
