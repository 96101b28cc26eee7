"""Campaigns: the aggregate (state, evolve, decide), the dry-run evaluation, pacing and the
rendering of a campaign's message for one recipient. Pure: no I/O, no clock."""
