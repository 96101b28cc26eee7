"""Property: for random command sequences, the state rebuilt from the stored log (through the
JSON wire form and the contracts registry) equals the live state, and refusals are the only
errors `decide` raises."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from parley.contracts.envelope import Envelope
from parley.contracts.flows.commands import (
    ArchiveFlow,
    CreateFlow,
    PublishFlow,
    RenameFlow,
    UnarchiveFlow,
    UpdateFlowDraft,
)
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.registry import registry
from parley.flow_engine.domain.flow import FlowCommand, FlowDecider, FlowRefused
from parley.flow_engine.testing.graphs import edge, graph, node, text

decider = FlowDecider()


@st.composite
def graphs(draw: st.DrawFn) -> FlowGraph:
    """Chains of messages, optionally broken (empty text, dangling entry) so publish may refuse."""
    bodies = draw(
        st.lists(st.sampled_from(["", "Hi", "Hi {{contact.name}}", "Bye"]), min_size=1, max_size=5)
    )
    nodes = [text(f"n{i}", body) for i, body in enumerate(bodies)] + [node("end", "end")]
    ids = [n["id"] for n in nodes]
    edges = [edge(a, b) for a, b in pairwise(ids)]
    entry = draw(st.sampled_from([ids[0], ids[0], "ghost"]))
    return graph(nodes, edges, entry=entry)


commands: st.SearchStrategy[FlowCommand] = st.one_of(
    st.builds(CreateFlow, flow_id=st.just("f1"), name=st.sampled_from(["A", "B"]), graph=graphs()),
    st.builds(UpdateFlowDraft, graph=graphs()),
    st.builds(RenameFlow, name=st.sampled_from(["A", "B", "C"])),
    st.builds(PublishFlow, note=st.sampled_from(["", "release"])),
    st.just(ArchiveFlow()),
    st.just(UnarchiveFlow()),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(commands, min_size=1, max_size=12))
def test_state_rebuilt_from_the_log_equals_the_live_state(sequence: list[FlowCommand]) -> None:
    live = decider.initial_state()
    log: list[bytes] = []
    refusals: list[str] = []
    for command in sequence:
        try:
            events = decider.decide(live, command)
        except FlowRefused as refused:  # the only error decide may raise
            refusals.append(refused.code)
            continue
        for event in events:
            log.append(Envelope.wrap(event, workspace_id="ws").to_bytes())
            live = decider.evolve(live, event)

    rebuilt = decider.initial_state()
    for raw in log:
        rebuilt = decider.evolve(rebuilt, registry.decode(Envelope.from_bytes(raw), strict=True))
    assert rebuilt == live
    assert all(refusals)  # every refusal carries a code for API clients
    assert sorted(live.versions) == list(range(1, live.latest_version + 1))
