import { Alert, Badge, Button, Divider, Group, List, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconFlag, IconTrash } from "@tabler/icons-react";

import { nodeInfo } from "../model/nodeTypes";
import { describeProblem } from "../model/problems";
import type { FlowNode, FlowProblem } from "../model/types";
import { useBuilder } from "../state/builderStore";
import { NodeFields } from "./NodeFields";

// The side panel for the selected node: what it is, its label, its fields, its problems.
export function NodeForm({ node, problems, readOnly }: { node: FlowNode; problems: FlowProblem[]; readOnly?: boolean }) {
  const revision = useBuilder((s) => s.revision);
  const entry = useBuilder((s) => s.graph.entry);
  const nodeIds = useBuilder((s) => s.graph.nodes.map((n) => n.id).join("\u0000"));
  const info = nodeInfo(node.type);
  const mine = problems.filter((p) => p.node_id === node.id);
  const labelProblem = mine.find((p) => p.field === "label")?.rule;

  return (
    <Stack gap="sm" aria-label={`${info.label} settings`} component="section">
      <Group justify="space-between" wrap="nowrap">
        <div>
          <Badge color={info.color} variant="light">{info.label}</Badge>
          <Title order={4} mt={4}>{node.label || node.id}</Title>
          <Text size="xs" c="dimmed">Id: {node.id}</Text>
        </div>
        {entry === node.id ? (
          <Badge color="green" leftSection={<IconFlag size={12} />}>Start node</Badge>
        ) : (
          <Button size="xs" variant="light" leftSection={<IconFlag size={14} />} disabled={readOnly} onClick={() => useBuilder.getState().setEntry(node.id)}>
            Set as start
          </Button>
        )}
      </Group>
      <Text size="xs" c="dimmed">{info.description}.</Text>
      {mine.length > 0 && (
        <Alert color={mine.some((p) => p.severity !== "warning") ? "red" : "yellow"} p="xs" title={`${mine.length} problem${mine.length === 1 ? "" : "s"}`}>
          <List size="xs" spacing={2}>
            {mine.map((p) => <List.Item key={`${p.field}:${p.rule}`}>{describeProblem(p)}</List.Item>)}
          </List>
        </Alert>
      )}
      <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        <Stack gap="sm">
          <TextInput
            label="Label"
            description="Shown on the canvas instead of the id"
            value={node.label ?? ""}
            error={labelProblem}
            maxLength={80}
            onChange={(e) => {
              const label = e.currentTarget.value;
              useBuilder.getState().updateNode(node.id, (n) => ({ ...n, label }), `label:${node.id}`);
            }}
          />
          <NodeFields key={`${node.id}:${revision}`} node={node} problems={problems} nodeIds={nodeIds.split("\u0000")} />
        </Stack>
      </fieldset>
      <Divider />
      <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} disabled={readOnly} w="fit-content"
        onClick={() => useBuilder.getState().remove([node.id], [])}>
        Delete node
      </Button>
    </Stack>
  );
}
