"""Parley messaging service.

WhatsApp channels, providers, rate limits, retries and number health.
"""

from importlib.metadata import version

__version__ = version("parley-messaging")
