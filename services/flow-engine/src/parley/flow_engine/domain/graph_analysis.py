"""Graph questions validation asks: successors, reachability, cycles that never pause."""

from __future__ import annotations

from parley.contracts.flows.graph import FlowGraph
from parley.contracts.flows.nodes import JumpNode


def successors(graph: FlowGraph, node_id: str) -> list[str]:
    """Nodes the execution can go to next: edge targets, and a Jump's target node."""
    found = [e.target for e in graph.edges if e.source == node_id and graph.node(e.target)]
    node = graph.node(node_id)
    if isinstance(node, JumpNode) and node.target_node and graph.node(node.target_node):
        found.append(node.target_node)
    return found


def reachable(graph: FlowGraph, entry: str) -> set[str]:
    seen = {entry}
    frontier = [entry]
    while frontier:
        for nxt in successors(graph, frontier.pop()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def strongly_connected(graph: FlowGraph) -> list[list[str]]:
    """Tarjan's algorithm, iterative (a 500-node flow must not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in (n.id for n in graph.nodes):
        if root in index:
            continue
        work = [(root, iter(successors(graph, root)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component)
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(successors(graph, child))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return components


def cycles_without_pause(graph: FlowGraph) -> list[list[str]]:
    """One concrete cycle per strongly connected component in which no node waits."""
    cycles = []
    for component in strongly_connected(graph):
        members = set(component)
        start = min(component)
        looping = len(component) > 1 or start in successors(graph, start)
        nodes = [graph.node(m) for m in component]
        if not looping or any(n is not None and n.waits() for n in nodes):
            continue
        cycles.append(_cycle_through(graph, start, members))
    return sorted(cycles)


def _cycle_through(graph: FlowGraph, start: str, members: set[str]) -> list[str]:
    """A shortest path from `start` back to itself inside the component (breadth first)."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in successors(graph, node):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return list(reversed(path))
                if nxt in members and nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return [start]
