import { Box, useComputedColorScheme } from "@mantine/core";
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider } from "@xyflow/react";
import { useMemo } from "react";

import { toCanvasEdges, toCanvasNodes } from "../builder/canvasModel";
import { NODE_COMPONENTS } from "../builder/FlowNodeView";
import { diffCanvasGraph, type GraphDiff } from "../model/diff";
import type { FlowGraph } from "../model/types";

// A read-only canvas: one version, or two versions' union with the diff's colours (green added,
// red dashed removed, yellow changed).
export function GraphView({ graph, before, diff, label }: { graph: FlowGraph; before?: FlowGraph; diff?: GraphDiff; label: string }) {
  const scheme = useComputedColorScheme("dark");
  const shown = useMemo(() => (before ? diffCanvasGraph(before, graph) : graph), [before, graph]);
  const nodes = useMemo(
    () => toCanvasNodes(shown, { diff: diff ? Object.fromEntries(diff.nodes.map((n) => [n.id, n.status])) : undefined }),
    [shown, diff],
  );
  const edges = useMemo(
    () => toCanvasEdges(shown, { edgeDiff: diff ? { added: new Set(diff.edgesAdded), removed: new Set(diff.edgesRemoved) } : undefined }),
    [shown, diff],
  );
  return (
    <Box h="100%" mih={360} aria-label={label} role="region" style={{ border: "1px solid var(--mantine-color-default-border)", borderRadius: 8 }}>
      <ReactFlowProvider>
        <ReactFlow
          key={JSON.stringify(nodes.map((n) => n.id))}
          defaultNodes={nodes}
          defaultEdges={edges}
          nodeTypes={NODE_COMPONENTS}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          fitView
          fitViewOptions={{ maxZoom: 1, padding: 0.15 }}
          minZoom={0.1}
          colorMode={scheme}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} />
          <Controls showInteractive={false} />
          <MiniMap pannable zoomable style={{ width: 150, height: 100 }} />
        </ReactFlow>
      </ReactFlowProvider>
    </Box>
  );
}
