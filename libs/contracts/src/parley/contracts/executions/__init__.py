"""Execution contracts: one contact's run of one published flow version."""
