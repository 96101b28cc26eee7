"""Writing many contacts fast: the importer's (and the scraper consumer's) way in.

A new contact costs one publish: its ContactCreated (with its ContactOptedIn, as one commit) is
appended expecting the subject empty. Only when the subject already holds the contact does the
writer load it, merge by the dedupe rule and append at the loaded version. Event ids derive from
`idempotency_key`, so a resumed import appends nothing twice. Safe to call from many tasks at
once: each contact is its own subject, and a race on one is a reload, never a lost write.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from nats.aio.client import Client as NatsClient

from parley.contracts.crm.contacts import ConsentEvidence, ContactSource
from parley.contracts.crm.queries import ContactInput, Problem
from parley.crm.adapters.aggregates import Aggregates, contact_subject, wrap
from parley.crm.domain import contact as contacts
from parley.crm.domain.contact import (
    Contact,
    ContactCommand,
    Dedupe,
    Merge,
)
from parley.crm.domain.contact import (
    ContactRefused as DomainRefusal,
)
from parley.crm.domain.contact_input import trusted_new
from parley.runtime.eventstore import ConcurrencyError

UpsertOutcome = Literal["created", "updated", "unchanged"]


class ContactRefused(Exception):
    """The contact cannot be written; each problem names the field and the rule."""

    def __init__(self, code: str, message: str, problems: tuple[Problem, ...]) -> None:
        super().__init__(message)
        self.code = code
        self.problems = problems


def contact_aggregates(nc: NatsClient) -> Aggregates[Contact, ContactCommand]:
    return Aggregates(nc, Contact, contacts.evolve, contacts.decide)


class ContactWriter:
    def __init__(self, nc: NatsClient) -> None:
        self._contacts = contact_aggregates(nc)

    async def upsert(
        self,
        workspace_id: str,
        incoming: ContactInput,
        *,
        source: ContactSource,
        dedupe: Dedupe,
        evidence: ConsentEvidence | None,
        idempotency_key: str,
    ) -> UpsertOutcome:
        """Create the contact, or merge `incoming` into it: skip changes nothing but adds tags,
        fill sets only empty attributes and fields, overwrite replaces the given ones (a None
        field value unsets it). Raises ContactRefused (bad input, or an erased contact)."""
        at = datetime.now(UTC)
        try:
            new = trusted_new(workspace_id, incoming, source=source)
        except DomainRefusal as refused:
            raise ContactRefused(refused.code, str(refused), refused.problems) from None
        subject = contact_subject(workspace_id, new.contact_id)
        unset = tuple(k for k, v in incoming.fields.items() if v is None)
        command = Merge(contact=new, dedupe=dedupe, at=at, evidence=evidence, unset_fields=unset)
        try:
            # The common case of an import: a contact nobody has, in one round trip.
            fresh = contacts.decide(Contact(), command)
            envelopes = wrap(workspace_id, subject, f"{idempotency_key}|new", fresh)
            await self._contacts.store.append(subject, envelopes, 0)
            return "created"
        except ConcurrencyError:
            pass
        try:
            decided = await self._contacts.run(
                workspace_id, subject, command, key=f"{idempotency_key}|merge"
            )
        except DomainRefusal as refused:
            raise ContactRefused(refused.code, str(refused), refused.problems) from None
        if not decided.events:
            return "unchanged"
        return "created" if not decided.before.exists else "updated"
