"""Parley billing service: plans, usage metering, quotas and Stripe."""

from importlib.metadata import version

__version__ = version("parley-billing")
