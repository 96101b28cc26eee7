import { Box, useComputedColorScheme } from "@mantine/core";
import { Background, Controls, MiniMap, ReactFlow, useReactFlow, type Connection, type EdgeChange, type NodeChange } from "@xyflow/react";
import { useCallback, useMemo, useRef, useState, type CSSProperties, type DragEvent } from "react";

import { isNodeType } from "../model/nodeTypes";
import type { ProblemMap } from "../model/problems";
import type { NodeType, XY } from "../model/types";
import { useBuilder } from "../state/builderStore";
import { toCanvasEdges, toCanvasNodes } from "./canvasModel";
import { NODE_COMPONENTS, type FlowCanvasNode } from "./FlowNodeView";
import { DRAG_MIME, Palette } from "./Palette";

// The editable canvas: the builder store is the source of truth; ReactFlow's changes are
// translated into store actions (one history step per drag, connect or delete).

// Edges in the theme's colours: ReactFlow's defaults are faint on Mantine's dark body.
const EDGE_COLOURS = {
  "--xy-edge-stroke": "var(--mantine-color-dimmed)",
  "--xy-edge-stroke-width": "1.5",
  "--xy-edge-stroke-selected": "var(--mantine-color-blue-5)",
} as CSSProperties;

export function Canvas({ problems, readOnly }: { problems: ProblemMap; readOnly?: boolean }) {
  const graph = useBuilder((s) => s.graph);
  const selectedNodes = useBuilder((s) => s.selectedNodes);
  const selectedEdges = useBuilder((s) => s.selectedEdges);
  const measured = useBuilder((s) => s.measured);
  const { screenToFlowPosition } = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const scheme = useComputedColorScheme("dark");
  // Fit an existing flow into view on opening; an empty canvas keeps zoom 1 so drops land where aimed.
  const [fitOnOpen] = useState(() => useBuilder.getState().graph.nodes.length > 0);

  const nodes = useMemo(
    () => toCanvasNodes(graph, { selectedNodes, measured, problems: problems.byNode }),
    [graph, selectedNodes, measured, problems],
  );
  const edges = useMemo(() => toCanvasEdges(graph, { selectedEdges }), [graph, selectedEdges]);

  const onNodesChange = useCallback((changes: NodeChange<FlowCanvasNode>[]) => {
    const store = useBuilder.getState();
    const moved: Record<string, XY> = {};
    let done = false;
    let selection: Set<string> | null = null;
    for (const c of changes) {
      if (c.type === "dimensions" && c.dimensions) store.setMeasured(c.id, c.dimensions);
      else if (c.type === "position") {
        const current = store.graph.nodes.find((n) => n.id === c.id);
        moved[c.id] = c.position ?? current?.position ?? { x: 0, y: 0 };
        if (!c.dragging) done = true;
      } else if (c.type === "select") {
        selection ??= new Set(store.selectedNodes);
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      }
    }
    if (Object.keys(moved).length) store.moveNodes(moved, done);
    if (selection) store.select([...selection], useBuilder.getState().selectedEdges);
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const store = useBuilder.getState();
    let selection: Set<string> | null = null;
    for (const c of changes) {
      if (c.type === "select") {
        selection ??= new Set(store.selectedEdges);
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      }
    }
    if (selection) store.select(useBuilder.getState().selectedNodes, [...selection]);
  }, []);

  const onConnect = useCallback((c: Connection) => {
    if (c.source && c.target && c.sourceHandle) useBuilder.getState().connect(c.source, c.sourceHandle, c.target);
  }, []);

  const onDelete = useCallback(({ nodes, edges }: { nodes: { id: string }[]; edges: { id: string }[] }) => {
    useBuilder.getState().remove(
      nodes.map((n) => n.id),
      edges.map((e) => e.id),
    );
  }, []);

  const addAt = useCallback((type: NodeType, point: { x: number; y: number }) => {
    // Centre the new node's card (220 px wide) on the drop point.
    const p = screenToFlowPosition(point);
    useBuilder.getState().addNode(type, { x: Math.round(p.x - 110), y: Math.round(p.y - 30) });
  }, [screenToFlowPosition]);

  function onDrop(event: DragEvent) {
    event.preventDefault();
    const type = event.dataTransfer.getData(DRAG_MIME) || event.dataTransfer.getData("text/plain");
    if (!readOnly && isNodeType(type)) addAt(type, { x: event.clientX, y: event.clientY });
  }

  function addAtCentre(type: NodeType) {
    const rect = wrapper.current?.getBoundingClientRect();
    if (!rect) return;
    const n = useBuilder.getState().graph.nodes.length;
    addAt(type, { x: rect.left + rect.width / 2 + (n % 5) * 12, y: rect.top + rect.height / 2 + (n % 5) * 12 });
  }

  return (
    <Box style={{ display: "flex", flex: 1, minHeight: 0, minWidth: 0 }}>
      <Palette onAdd={addAtCentre} disabled={readOnly} />
      <Box
        ref={wrapper}
        style={{ flex: 1, minWidth: 0, position: "relative" }}
        data-testid="flow-canvas"
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = "move";
        }}
        onDrop={onDrop}
      >
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_COMPONENTS}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onDelete={onDelete}
          deleteKeyCode={readOnly ? null : ["Delete", "Backspace"]}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          fitView={fitOnOpen}
          fitViewOptions={{ maxZoom: 1.1, padding: 0.2 }}
          minZoom={0.2}
          colorMode={scheme}
          proOptions={{ hideAttribution: true }}
          style={EDGE_COLOURS}
        >
          <Background gap={20} />
          <Controls aria-label="Canvas controls" />
          <MiniMap pannable zoomable ariaLabel="Minimap" style={{ width: 160, height: 110 }} />
        </ReactFlow>
      </Box>
    </Box>
  );
}
