import { MarkerType, type Edge } from "@xyflow/react";

import { edgeId } from "../state/builderStore";
import type { DiffStatus } from "../model/diff";
import { edgeKey } from "../model/diff";
import { nodePorts } from "../model/nodeTypes";
import type { NodeProblems } from "../model/problems";
import type { FlowGraph } from "../model/types";
import type { FlowCanvasNode } from "./FlowNodeView";

// The flow definition as ReactFlow nodes and edges. Sizes ReactFlow measured are passed back in
// (it hides nodes it has no size for), selection is the builder's.

export interface CanvasOptions {
  selectedNodes?: string[];
  selectedEdges?: string[];
  measured?: Record<string, { width: number; height: number }>;
  problems?: Record<string, NodeProblems>;
  diff?: Record<string, DiffStatus>;
  edgeDiff?: { added: Set<string>; removed: Set<string> };
}

export function toCanvasNodes(graph: FlowGraph, o: CanvasOptions = {}): FlowCanvasNode[] {
  const selected = new Set(o.selectedNodes ?? []);
  return graph.nodes.map((node) => ({
    id: node.id,
    type: "flow",
    position: node.position ?? { x: 0, y: 0 },
    selected: selected.has(node.id),
    measured: o.measured?.[node.id],
    data: { node, isEntry: graph.entry === node.id, problems: o.problems?.[node.id], diff: o.diff?.[node.id] },
  }));
}

export function toCanvasEdges(graph: FlowGraph, o: CanvasOptions = {}): Edge[] {
  const selected = new Set(o.selectedEdges ?? []);
  const multi = new Set(graph.nodes.filter((n) => nodePorts(n).length > 1).map((n) => n.id));
  return graph.edges.map((e) => {
    const key = edgeKey(e);
    const color = o.edgeDiff?.added.has(key)
      ? "var(--mantine-color-green-6)"
      : o.edgeDiff?.removed.has(key)
        ? "var(--mantine-color-red-6)"
        : undefined;
    return {
      id: edgeId(e),
      source: e.source,
      sourceHandle: e.port,
      target: e.target,
      selected: selected.has(edgeId(e)),
      label: multi.has(e.source) ? e.port : undefined,
      markerEnd: { type: MarkerType.ArrowClosed },
      style: color ? { stroke: color, strokeWidth: 2, strokeDasharray: o.edgeDiff?.removed.has(key) ? "6 4" : undefined } : undefined,
    };
  });
}
