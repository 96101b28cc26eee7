import { create } from "zustand";

import { copySelection, pasteClip, type Clip } from "../model/clipboard";
import { newNode, nextNodeId } from "../model/nodeTypes";
import type { FlowEdge, FlowGraph, FlowNode, NodeType, XY } from "../model/types";

// The builder's state: the draft graph with its own undo/redo history (snapshots of the
// immutable graph), the canvas selection, the clipboard and the nodes' measured sizes. Typing in
// a field coalesces into one history step per field; dragging a node is one step on release.

const HISTORY_LIMIT = 100;
const COALESCE_MS = 1500;

export const EMPTY_GRAPH: FlowGraph = { entry: "", nodes: [], edges: [], variables: [], triggers: [] };

export const edgeId = (e: FlowEdge) => `${e.source}:${e.port}->${e.target}`;

interface BuilderState {
  graph: FlowGraph;
  past: FlowGraph[];
  future: FlowGraph[];
  /** bumps whenever the graph is replaced wholesale (load, undo, redo): forms re-read it */
  revision: number;
  coalesce: { key: string; at: number } | null;
  dragStart: FlowGraph | null;
  selectedNodes: string[];
  selectedEdges: string[];
  measured: Record<string, { width: number; height: number }>;
  clipboard: Clip | null;

  load: (graph: FlowGraph) => void;
  commit: (change: (graph: FlowGraph) => FlowGraph, coalesceKey?: string) => void;
  addNode: (type: NodeType, position: XY) => string;
  moveNodes: (positions: Record<string, XY>, done: boolean) => void;
  connect: (source: string, port: string, target: string) => void;
  remove: (nodeIds: string[], edgeIds: string[]) => void;
  updateNode: (id: string, change: (node: FlowNode) => FlowNode, coalesceKey?: string) => void;
  setEntry: (id: string) => void;
  updateFlow: (change: Partial<Pick<FlowGraph, "entry" | "triggers" | "variables">>, coalesceKey?: string) => void;
  undo: () => void;
  redo: () => void;
  select: (nodes: string[], edges: string[]) => void;
  copy: () => boolean;
  paste: () => string[];
  setMeasured: (id: string, size: { width: number; height: number }) => void;
}

export const useBuilder = create<BuilderState>()((set, get) => ({
  graph: EMPTY_GRAPH,
  past: [],
  future: [],
  revision: 0,
  coalesce: null,
  dragStart: null,
  selectedNodes: [],
  selectedEdges: [],
  measured: {},
  clipboard: null,

  load: (graph) =>
    set((s) => ({
      graph,
      past: [],
      future: [],
      revision: s.revision + 1,
      coalesce: null,
      dragStart: null,
      selectedNodes: [],
      selectedEdges: [],
    })),

  commit: (change, coalesceKey) => {
    const { graph, past, coalesce } = get();
    const next = change(graph);
    if (next === graph) return;
    const now = Date.now();
    const merge = !!coalesceKey && coalesce?.key === coalesceKey && now - coalesce.at < COALESCE_MS;
    set({
      graph: next,
      past: merge ? past : [...past, graph].slice(-HISTORY_LIMIT),
      future: [],
      coalesce: coalesceKey ? { key: coalesceKey, at: now } : null,
    });
  },

  addNode: (type, position) => {
    const id = nextNodeId(type, get().graph.nodes.map((n) => n.id));
    get().commit((g) => ({ ...g, entry: g.entry || id, nodes: [...g.nodes, newNode(type, id, position)] }));
    set({ selectedNodes: [id], selectedEdges: [] });
    return id;
  },

  moveNodes: (positions, done) => {
    const { graph, dragStart } = get();
    const moved: FlowGraph = {
      ...graph,
      nodes: graph.nodes.map((n) => (positions[n.id] ? ({ ...n, position: positions[n.id] } as FlowNode) : n)),
    };
    if (!done) {
      set({ graph: moved, dragStart: dragStart ?? graph });
      return;
    }
    const before = dragStart ?? graph;
    set({
      graph: moved,
      dragStart: null,
      past: [...get().past, before].slice(-HISTORY_LIMIT),
      future: [],
      coalesce: null,
    });
  },

  connect: (source, port, target) =>
    get().commit((g) => {
      // A port leads to one node: connecting it again replaces its edge.
      const kept = g.edges.filter((e) => !(e.source === source && e.port === port));
      return { ...g, edges: [...kept, { source, port, target }] };
    }),

  remove: (nodeIds, edgeIds) => {
    if (nodeIds.length === 0 && edgeIds.length === 0) return;
    const nodes = new Set(nodeIds);
    const edges = new Set(edgeIds);
    get().commit((g) => ({
      ...g,
      entry: nodes.has(g.entry) ? "" : g.entry,
      nodes: g.nodes.filter((n) => !nodes.has(n.id)),
      edges: g.edges.filter((e) => !edges.has(edgeId(e)) && !nodes.has(e.source) && !nodes.has(e.target)),
    }));
    set((s) => ({
      selectedNodes: s.selectedNodes.filter((id) => !nodes.has(id)),
      selectedEdges: s.selectedEdges.filter((id) => !edges.has(id)),
    }));
  },

  updateNode: (id, change, coalesceKey) =>
    get().commit((g) => {
      const index = g.nodes.findIndex((n) => n.id === id);
      const current = g.nodes[index];
      if (!current) return g;
      const next = change(current);
      if (next === current) return g;
      const nodes = [...g.nodes];
      nodes[index] = next;
      // Branch ports of an A/B split may be renamed or removed: drop edges from ports that are gone.
      let edges = g.edges;
      if (next.type === "ab_split") {
        const ports = new Set(next.branches.map((b) => b.port));
        edges = g.edges.filter((e) => e.source !== id || ports.has(e.port));
      }
      return { ...g, nodes, edges };
    }, coalesceKey),

  setEntry: (id) => get().commit((g) => (g.entry === id ? g : { ...g, entry: id })),

  updateFlow: (change, coalesceKey) => get().commit((g) => ({ ...g, ...change }), coalesceKey),

  undo: () => {
    const { past, graph, future, revision } = get();
    const previous = past[past.length - 1];
    if (!previous) return;
    set({ graph: previous, past: past.slice(0, -1), future: [graph, ...future], revision: revision + 1, coalesce: null });
  },

  redo: () => {
    const { past, graph, future, revision } = get();
    const next = future[0];
    if (!next) return;
    set({ graph: next, past: [...past, graph], future: future.slice(1), revision: revision + 1, coalesce: null });
  },

  select: (selectedNodes, selectedEdges) => {
    const s = get();
    if (same(s.selectedNodes, selectedNodes) && same(s.selectedEdges, selectedEdges)) return;
    set({ selectedNodes, selectedEdges });
  },

  copy: () => {
    const clip = copySelection(get().graph, get().selectedNodes);
    if (clip) set({ clipboard: clip });
    return !!clip;
  },

  paste: () => {
    const clip = get().clipboard;
    if (!clip) return [];
    const { graph, pasted } = pasteClip(get().graph, clip);
    get().commit(() => graph);
    set({ selectedNodes: pasted, selectedEdges: [] });
    return pasted;
  },

  setMeasured: (id, size) => set((s) => ({ measured: { ...s.measured, [id]: size } })),
}));

function same(a: string[], b: string[]) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
