import { Badge, Box, Group, Paper, Text, Tooltip } from "@mantine/core";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";

import { useCanvasOverlay } from "../../../state/canvasOverlay";
import type { DiffStatus } from "../model/diff";
import { nodeInfo, nodePorts, nodeSummary } from "../model/nodeTypes";
import type { NodeProblems } from "../model/problems";
import type { FlowNode } from "../model/types";

// One flow node on the canvas: its type, id and a summary, a target handle on the left and one
// source handle per output port on the right; problems, the live console's counts, the replay
// position and a version diff's status paint its border.

export interface FlowNodeData extends Record<string, unknown> {
  node: FlowNode;
  isEntry: boolean;
  problems?: NodeProblems;
  diff?: DiffStatus;
}

export type FlowCanvasNode = Node<FlowNodeData, "flow">;

const DIFF_COLOR: Record<DiffStatus, string | null> = {
  added: "var(--mantine-color-green-6)",
  removed: "var(--mantine-color-red-6)",
  changed: "var(--mantine-color-yellow-6)",
  unchanged: null,
};

function FlowNodeViewImpl({ id, data, selected }: NodeProps<FlowCanvasNode>) {
  const { node, isEntry, problems, diff } = data;
  const info = nodeInfo(node.type);
  const ports = nodePorts(node);
  const live = useCanvasOverlay((s) => s.liveNodes[id] ?? 0);
  const replaying = useCanvasOverlay((s) => s.replayNode !== null);
  const current = useCanvasOverlay((s) => s.replayNode === id);
  const visited = useCanvasOverlay((s) => s.replayPath.includes(id));
  const flashing = useCanvasOverlay((s) => s.flashNode === id);
  const errors = problems?.errors ?? 0;
  const warnings = problems?.warnings ?? 0;
  const summary = nodeSummary(node);

  const border =
    (diff && DIFF_COLOR[diff]) ||
    (errors > 0 ? "var(--mantine-color-red-6)" : selected ? "var(--mantine-color-blue-5)" : "var(--mantine-color-default-border)");
  const rings: string[] = [];
  if (current) rings.push("0 0 0 4px var(--mantine-color-orange-5)", "0 0 18px var(--mantine-color-orange-4)");
  else if (live > 0) rings.push("0 0 0 3px var(--mantine-color-green-5)");
  else if (visited) rings.push("0 0 0 2px var(--mantine-color-teal-4)");
  if (flashing) rings.push("0 0 14px var(--mantine-color-yellow-4)");
  if (selected && !current) rings.push("0 0 0 1px var(--mantine-color-blue-5)");

  return (
    <Paper
      role="group"
      aria-label={`${info.label} node ${id}`}
      data-node-id={id}
      data-live={live > 0 ? "true" : undefined}
      data-replay-current={current ? "true" : undefined}
      data-visited={visited ? "true" : undefined}
      data-diff={diff}
      data-problems={errors || undefined}
      withBorder
      radius="md"
      w={220}
      style={{
        borderWidth: 2,
        borderColor: border,
        borderStyle: diff === "removed" ? "dashed" : "solid",
        boxShadow: rings.join(", ") || undefined,
        opacity: (replaying && !current && !visited) || diff === "removed" ? 0.45 : 1,
        background: "var(--mantine-color-body)",
        transition: "box-shadow 150ms, opacity 150ms",
      }}
    >
      <Handle type="target" position={Position.Left} title={`Input of ${id}`} />
      <Box px="sm" pt={6} pb={ports.length ? 2 : 6}>
        <Group justify="space-between" gap={4} wrap="nowrap">
          <Badge size="xs" variant="light" color={info.color} radius="sm">
            {info.label}
          </Badge>
          <Group gap={4} wrap="nowrap">
            {isEntry && (
              <Badge size="xs" color="green" variant="filled">
                Start
              </Badge>
            )}
            {live > 0 && (
              <Tooltip label={`${live} contact${live === 1 ? "" : "s"} here now`}>
                <Badge size="xs" color="green" variant="filled" data-testid="live-count">
                  {live}
                </Badge>
              </Tooltip>
            )}
            {(errors > 0 || warnings > 0) && (
              <Tooltip
                multiline
                w={280}
                label={(problems?.messages ?? []).map((m) => (
                  <div key={m}>{m}</div>
                ))}
              >
                <Badge
                  size="xs"
                  color={errors > 0 ? "red" : "yellow"}
                  variant="filled"
                  aria-label={`${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`}
                  data-testid="problem-count"
                >
                  {errors > 0 ? errors : warnings}
                </Badge>
              </Tooltip>
            )}
          </Group>
        </Group>
        <Text size="sm" fw={600} mt={4} truncate>
          {node.label || id}
        </Text>
        {summary && (
          <Text size="xs" c="dimmed" lineClamp={2}>
            {summary}
          </Text>
        )}
      </Box>
      {ports.map((port) => (
        <Box key={port} pos="relative" px="sm" py={2} ta="right">
          <Text size="xs" c="dimmed" component="span">
            {port}
          </Text>
          <Handle type="source" id={port} position={Position.Right} title={`Port ${port} of ${id}`} />
        </Box>
      ))}
      {ports.length > 0 && <Box h={4} />}
    </Paper>
  );
}

export const FlowNodeView = memo(FlowNodeViewImpl);

// Outside any component: ReactFlow warns when nodeTypes changes identity between renders.
export const NODE_COMPONENTS = { flow: FlowNodeView };
