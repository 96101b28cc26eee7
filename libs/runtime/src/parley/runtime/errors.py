"""Errors shared across the runtime."""

from __future__ import annotations


class TooMuchContention(Exception):
    """A compare-and-set loop lost every race it ran: something writes this key or subject far
    more often than expected; the caller should back off rather than spin."""
