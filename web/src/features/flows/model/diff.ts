import type { FlowGraph, FlowNode } from "./types";

// What changed between two definitions (two versions, or a version and the draft): nodes added,
// removed or changed (with the changed fields), edges added or removed, and the flow's settings.
// Moving a node on the canvas is not a change of behaviour, so positions are left out.

export type DiffStatus = "added" | "removed" | "changed" | "unchanged";

export interface NodeDiff {
  id: string;
  status: DiffStatus;
  /** dotted paths of the fields that differ, e.g. `message.body` */
  fields: string[];
  node: FlowNode;
}

export interface GraphDiff {
  nodes: NodeDiff[];
  edgesAdded: string[];
  edgesRemoved: string[];
  /** flow-level fields that differ: entry, triggers, variables */
  flowFields: string[];
  changed: boolean;
}

const IGNORED = new Set(["position"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Paths where a and b differ; arrays are compared whole (a reorder is a change of that field). */
export function changedFields(a: unknown, b: unknown, prefix = ""): string[] {
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    const out: string[] = [];
    for (const key of [...keys].sort()) {
      if (!prefix && IGNORED.has(key)) continue;
      out.push(...changedFields(a[key], b[key], prefix ? `${prefix}.${key}` : key));
    }
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || "(value)"];
}

export const edgeKey = (e: { source: string; port: string; target: string }) => `${e.source}.${e.port} → ${e.target}`;

/** `before` → `after`: removed nodes keep their place in the result so the canvas can show them. */
export function diffGraphs(before: FlowGraph, after: FlowGraph): GraphDiff {
  const old = new Map(before.nodes.map((n) => [n.id, n]));
  const now = new Map(after.nodes.map((n) => [n.id, n]));
  const nodes: NodeDiff[] = [];
  for (const node of after.nodes) {
    const prior = old.get(node.id);
    if (!prior) nodes.push({ id: node.id, status: "added", fields: [], node });
    else {
      const fields = changedFields(prior, node);
      nodes.push({ id: node.id, status: fields.length ? "changed" : "unchanged", fields, node });
    }
  }
  for (const node of before.nodes) {
    if (!now.has(node.id)) nodes.push({ id: node.id, status: "removed", fields: [], node });
  }
  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  const edgesAdded = [...newEdges].filter((k) => !oldEdges.has(k));
  const edgesRemoved = [...oldEdges].filter((k) => !newEdges.has(k));
  const flowFields = (["entry", "triggers", "variables"] as const).filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
  const changed =
    nodes.some((n) => n.status !== "unchanged") || edgesAdded.length > 0 || edgesRemoved.length > 0 || flowFields.length > 0;
  return { nodes, edgesAdded, edgesRemoved, flowFields, changed };
}

/** The union of both graphs, for drawing a diff on one canvas. */
export function diffCanvasGraph(before: FlowGraph, after: FlowGraph): FlowGraph {
  const ids = new Set(after.nodes.map((n) => n.id));
  const edges = new Map(after.edges.map((e) => [edgeKey(e), e]));
  for (const e of before.edges) if (!edges.has(edgeKey(e))) edges.set(edgeKey(e), e);
  return {
    ...after,
    nodes: [...after.nodes, ...before.nodes.filter((n) => !ids.has(n.id))],
    edges: [...edges.values()],
  };
}
