"""Display names of people, organizations, workspaces and API keys."""

from __future__ import annotations

MAX_LENGTH = 100


def clean_name(name: str) -> str:
    """Surrounding blanks dropped, inner runs of whitespace collapsed to one space."""
    return " ".join(name.split())


def name_problem(name: str) -> str | None:
    """Why a cleaned name is not acceptable, in words; None when it is."""
    if not name:
        return "must not be empty"
    if len(name) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters long"
    return None
