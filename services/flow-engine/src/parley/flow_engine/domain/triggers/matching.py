"""Whether one trigger fires for one stimulus, and in words, why.

The builder's "test this trigger" calls `matches` directly; the selector uses `explain` to put
the deciding keyword or payload into its reason.
"""

from __future__ import annotations

import re
from typing import assert_never

from parley.contracts.flows.graph import (
    AnyInboundTrigger,
    ApiTrigger,
    ButtonPayloadTrigger,
    CampaignTrigger,
    FirstMessageTrigger,
    KeywordTrigger,
    TagAddedTrigger,
    Trigger,
)
from parley.flow_engine.domain import safe_regex
from parley.flow_engine.domain.triggers.stimuli import (
    ApiStart,
    ButtonReply,
    CampaignEnrollment,
    InboundText,
    Stimulus,
    TagAdded,
)
from parley.flow_engine.domain.triggers.text import bare_text, contains_phrase, starts_with_phrase

# An inline flag group such as "(?i)", "(?-i)" or "(?s:…)" that is not itself escaped. "(?:" and
# "(?P<name>" carry no flag letter and do not count.
_INLINE_FLAGS = re.compile(r"(?<!\\)\(\?(?:[imsU]+(?:-[imsU]*)?|-[imsU]+)[:)]")


def matches(trigger: Trigger, stimulus: Stimulus) -> bool:
    """Whether `trigger` fires for `stimulus`.

    API and campaign triggers match any ApiStart / CampaignEnrollment: a trigger does not know
    which flow it belongs to, so checking the named flow is the selector's job.
    """
    return explain(trigger, stimulus) is not None


def explain(trigger: Trigger, stimulus: Stimulus) -> str | None:
    """What matched, in words ("keyword 'hola'"), or None when the trigger does not fire."""
    if isinstance(trigger, KeywordTrigger):
        return _keyword(trigger, stimulus.text) if isinstance(stimulus, InboundText) else None
    if isinstance(trigger, ButtonPayloadTrigger):
        if isinstance(stimulus, ButtonReply) and stimulus.payload in trigger.payloads:
            return f"button payload {stimulus.payload!r}"
        return None
    if isinstance(trigger, FirstMessageTrigger):
        first = isinstance(stimulus, InboundText | ButtonReply) and stimulus.first_message
        return "first message of a new contact" if first else None
    if isinstance(trigger, AnyInboundTrigger):
        inbound = isinstance(stimulus, InboundText | ButtonReply)
        return "any inbound message" if inbound else None
    if isinstance(trigger, TagAddedTrigger):
        tagged = (
            isinstance(stimulus, TagAdded)
            and bool(trigger.tag)
            and stimulus.tag.casefold() == trigger.tag.casefold()
        )
        return f"tag {trigger.tag!r} added" if tagged else None
    if isinstance(trigger, ApiTrigger):
        return "API start" if isinstance(stimulus, ApiStart) else None
    if isinstance(trigger, CampaignTrigger):
        return "campaign enrollment" if isinstance(stimulus, CampaignEnrollment) else None
    assert_never(trigger)  # a new trigger kind in the contracts needs a rule here


def _keyword(trigger: KeywordTrigger, text: str) -> str | None:
    if trigger.match == "regex":
        for pattern in trigger.keywords:
            if _regex_matches(pattern, text):
                return f"regex {pattern!r}"
        return None
    message = bare_text(text)
    for keyword in trigger.keywords:
        wanted = bare_text(keyword)
        if not wanted:
            continue  # a blank keyword would otherwise equal a blank message
        if trigger.match == "equals" and message == wanted:
            return f"keyword {keyword!r}"
        if trigger.match == "contains" and contains_phrase(message, wanted):
            return f"keyword {keyword!r} in the message"
        if trigger.match == "starts_with" and starts_with_phrase(message, wanted):
            return f"message starting with {keyword!r}"
    return None


def _regex_matches(pattern: str, text: str) -> bool:
    # Case-insensitive unless the author chose flags; on the original text so that the author's
    # accents and punctuation mean what they wrote.
    effective = pattern if _INLINE_FLAGS.search(pattern) else f"(?i){pattern}"
    try:
        return safe_regex.search(effective, text)
    except safe_regex.UnsafePattern:
        # Validation refuses such patterns at publish time; one stored before that rule, or a
        # message over the length cap, must not stop other flows from matching.
        return False
