"""Each area of the crm service wires itself into the Service here."""
