"""Billing contracts: entitlements other services enforce, and where usage is counted."""
