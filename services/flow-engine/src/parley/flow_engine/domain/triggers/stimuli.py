"""What can start a flow: the events the trigger matcher is asked about.

Plain frozen dataclasses rather than wire events: the caller builds them from whatever arrived
(a webhook, a CRM event, an API request) and they never leave the process.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InboundText:
    """A text message from the contact; `first_message` when the contact is new."""

    text: str
    first_message: bool = False


@dataclass(frozen=True)
class ButtonReply:
    """A tap on a reply button. `payload` is the stable id; `title` is what the contact saw."""

    payload: str
    title: str
    first_message: bool = False


@dataclass(frozen=True)
class TagAdded:
    tag: str


@dataclass(frozen=True)
class ApiStart:
    """An API call asking to start one flow by id."""

    flow_id: str


@dataclass(frozen=True)
class CampaignEnrollment:
    """A campaign enrolling the contact in one flow by id."""

    flow_id: str


Stimulus = InboundText | ButtonReply | TagAdded | ApiStart | CampaignEnrollment
