"""The plan's monthly message limit, taken per send (parley.runtime.quotas).

A send on a real number takes one unit of `messages_sent` before WhatsApp is called:
`Quotas.reserve` increments the admission counter first and compares after, so replicas racing
for the last units admit exactly the limit. The unit's counters are kept in the send's ledger
record, so a redelivery never takes a second one and a later plan change never refuses a send
already admitted; a send that ends without reaching WhatsApp gives its unit back. Until billing
has written entitlements for the workspace, nothing is counted and nothing is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from parley.contracts.billing.entitlements import MESSAGES_SENT
from parley.messaging.domain.send_checks import Refusal
from parley.runtime.quotas import LimitReached, Quotas, Reservation


@dataclass(frozen=True)
class Admitted:
    subjects: tuple[str, ...]  # the admission counters holding the unit; () = nothing counted


class MessageQuota:
    def __init__(self, quotas: Quotas) -> None:
        self._quotas = quotas

    async def admit(self, workspace_id: str, send_key: str) -> Admitted | Refusal:
        """Take this send's unit. `send_key` names the send (its ledger key): a retried
        reservation with the same key counts once within the USAGE stream's duplicate window."""
        taken = await self._quotas.reserve(workspace_id, MESSAGES_SENT, send_key)
        if taken is None:
            return Admitted(())
        if isinstance(taken, LimitReached):
            return Refusal(taken.code, taken.detail, taken.remedy)
        return Admitted(taken.subjects)

    async def give_back(self, send_key: str, subjects: tuple[str, ...]) -> None:
        """The send ended without reaching WhatsApp: its unit is free again."""
        if subjects:
            await self._quotas.release(Reservation(subjects=subjects, key=send_key, used=0))
