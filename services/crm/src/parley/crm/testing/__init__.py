"""Driving a running crm service in tests, e2e tests and benchmarks."""
