"""Trigger matching: which published flows a stimulus starts. Pure, deterministic, no I/O.

Rules, in the order they apply:

1. A waiting execution comes first. When the contact has an execution waiting for a reply and
   the stimulus is an InboundText or a ButtonReply, no flow starts: the reply goes to that
   execution. There is no exception, not even for keywords; opt-out words (STOP) are handled by
   the CRM before a message reaches the engine, not by triggers. TagAdded, ApiStart and
   CampaignEnrollment are not replies and are not held back.
2. ApiStart and CampaignEnrollment name their flow. They start exactly that flow when it has an
   API trigger (resp. a campaign trigger), and nothing otherwise; priority and exclusivity do not
   apply, and no other flow is considered.
3. What matches what:
   - keyword `equals`, `contains`, `starts_with` compare normalized text: case-folded, accents
     and compatibility forms removed, whitespace collapsed, surrounding punctuation dropped, so
     "HOLA", "hóla", " ¡hola! " all equal "hola". `contains` finds the keyword as whole words
     ("price" is in "what is the price?", not in "priceless"); `starts_with` requires the
     message to open with the keyword as whole words ("hi there", not "hiking").
   - keyword `regex` searches the original text with RE2 (linear time), case-insensitive unless
     the pattern sets inline flags such as "(?-i)". A pattern RE2 refuses, or a message over the
     length cap, is no match rather than an error.
   - keywords match InboundText only; a ButtonReply is matched by its payload, exactly and
     case-sensitively, because payloads are stable ids while titles get translated and edited.
   - first_message matches an InboundText or ButtonReply from a new contact; any_inbound matches
     every InboundText or ButtonReply; tag_added matches its tag, case-insensitively.
4. Several flows. Each flow takes part once, with its best-ranked matching trigger. Matches are
   ranked by priority (higher first), then specificity (keyword equals, button payload, keyword
   starts_with, keyword contains, keyword regex, first message, any inbound, tag added), then
   creation order (older flow first), then flow id. Walking that ranking, each match is taken;
   the walk stops after the first exclusive one. So an exclusive best match starts alone, and
   non-exclusive matches ranked above it start alongside it. The ranking is total, so the
   result does not depend on the order in which flows are passed.
"""

from parley.flow_engine.domain.triggers.matching import explain, matches
from parley.flow_engine.domain.triggers.selection import (
    NO_MATCH_REASON,
    WAITING_REASON,
    Match,
    PublishedFlow,
    Selection,
    TriggerKind,
    select_flows,
)
from parley.flow_engine.domain.triggers.stimuli import (
    ApiStart,
    ButtonReply,
    CampaignEnrollment,
    InboundText,
    Stimulus,
    TagAdded,
)
from parley.flow_engine.domain.triggers.text import normalize_text

__all__ = [
    "NO_MATCH_REASON",
    "WAITING_REASON",
    "ApiStart",
    "ButtonReply",
    "CampaignEnrollment",
    "InboundText",
    "Match",
    "PublishedFlow",
    "Selection",
    "Stimulus",
    "TagAdded",
    "TriggerKind",
    "explain",
    "matches",
    "normalize_text",
    "select_flows",
]
