"""Parley crm service: contacts, tags, fields, segments, consent and timelines."""

from importlib.metadata import version

__version__ = version("parley-crm")
