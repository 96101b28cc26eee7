import { nodeInfo, nextNodeId } from "./nodeTypes";
import type { FlowEdge, FlowGraph, FlowNode } from "./types";

// Copy/paste of a selection: the copied nodes with the edges between them (edges leaving the
// selection are dropped: their targets are not pasted). Pasted nodes get fresh ids and an offset.

export interface Clip {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export function copySelection(graph: FlowGraph, selected: Iterable<string>): Clip | null {
  const ids = new Set(selected);
  const nodes = graph.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  const edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  return { nodes, edges };
}

export function pasteClip(graph: FlowGraph, clip: Clip, offset = 40): { graph: FlowGraph; pasted: string[] } {
  const taken = new Set(graph.nodes.map((n) => n.id));
  const renamed = new Map<string, string>();
  const nodes = clip.nodes.map((node) => {
    nodeInfo(node.type);
    const id = nextNodeId(node.type, taken);
    taken.add(id);
    renamed.set(node.id, id);
    const position = { x: (node.position?.x ?? 0) + offset, y: (node.position?.y ?? 0) + offset };
    return { ...node, id, position } as FlowNode;
  });
  const edges = clip.edges.map((e) => ({ ...e, source: renamed.get(e.source) ?? e.source, target: renamed.get(e.target) ?? e.target }));
  // A jump inside the selection keeps pointing inside it.
  const fixed = nodes.map((n) =>
    n.type === "jump" && renamed.has(n.target_node) ? { ...n, target_node: renamed.get(n.target_node) ?? n.target_node } : n,
  );
  return {
    graph: { ...graph, nodes: [...graph.nodes, ...fixed], edges: [...graph.edges, ...edges] },
    pasted: fixed.map((n) => n.id),
  };
}
