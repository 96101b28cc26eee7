"""What a flow campaign needs to know of its flow: can a campaign start it, and is the first
message each recipient gets a template (the only kind that reaches someone outside the 24 h
window)."""

from __future__ import annotations

import uuid

from parley.contracts.flows.graph import CampaignTrigger, FlowGraph
from parley.contracts.flows.nodes import SendMessageNode
from parley.flow_engine.domain.campaigns.dry_run import FlowFacts

# Executions a campaign starts have ids of their own shape, so a delivery status of one is
# recognised as a campaign's without a lookup.
EXECUTION_PREFIX = "cmpx-"
_EXECUTIONS = uuid.UUID("0c6f6b8e-6a0e-4c55-9a2f-3e1d6f7a9b21")


def enrollment_execution_id(workspace_id: str, campaign_id: str, contact_id: str) -> str:
    return (
        EXECUTION_PREFIX + uuid.uuid5(_EXECUTIONS, f"{workspace_id}/{campaign_id}/{contact_id}").hex
    )


def first_messages_are_templates(graph: FlowGraph) -> bool:
    """True when every first send_message reachable from the entry sends a template."""
    targets: dict[str, list[str]] = {}
    for edge in graph.edges:
        targets.setdefault(edge.source, []).append(edge.target)
    seen: set[str] = set()
    todo = [graph.entry] if graph.entry else []
    while todo:
        node_id = todo.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = graph.node(node_id)
        if isinstance(node, SendMessageNode):
            if node.message.kind != "template":
                return False
            continue  # what follows a template is inside the window it opened... or a reply
        todo.extend(targets.get(node_id, []))
    return True


def flow_facts(graph: FlowGraph | None) -> FlowFacts:
    if graph is None:
        return FlowFacts(
            published=False, has_campaign_trigger=False, first_message_is_template=False
        )
    return FlowFacts(
        published=True,
        has_campaign_trigger=any(isinstance(t, CampaignTrigger) for t in graph.triggers),
        first_message_is_template=first_messages_are_templates(graph),
    )
