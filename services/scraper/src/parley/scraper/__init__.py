"""Parley scraper service: lead-capture jobs and providers."""

from importlib.metadata import version

__version__ = version("parley-scraper")
