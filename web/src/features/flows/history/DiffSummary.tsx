import { Badge, Group, List, Stack, Text } from "@mantine/core";

import type { GraphDiff } from "../model/diff";
import { nodeInfo } from "../model/nodeTypes";

const COLOR = { added: "green", removed: "red", changed: "yellow", unchanged: "gray" } as const;

// The diff as a list: each added, removed or changed node with its changed fields.
export function DiffSummary({ diff }: { diff: GraphDiff }) {
  const changed = diff.nodes.filter((n) => n.status !== "unchanged");
  if (!diff.changed) return <Text size="sm" c="dimmed">No differences (moving nodes on the canvas is not a change).</Text>;
  return (
    <Stack gap="xs" aria-label="Changes" component="section">
      <List size="sm" spacing={4} listStyleType="none" aria-label="Changed nodes">
        {changed.map((n) => (
          <List.Item key={n.id}>
            <Group gap={6} wrap="nowrap" align="flex-start">
              <Badge size="xs" color={COLOR[n.status]}>{n.status}</Badge>
              <div>
                <Text size="sm" fw={600}>{nodeInfo(n.node.type).label} {n.id}</Text>
                {n.fields.length > 0 && <Text size="xs" c="dimmed">Changed: {n.fields.join(", ")}</Text>}
              </div>
            </Group>
          </List.Item>
        ))}
      </List>
      {(diff.edgesAdded.length > 0 || diff.edgesRemoved.length > 0) && (
        <Text size="xs">
          {diff.edgesAdded.map((e) => <span key={`+${e}`}><Badge size="xs" color="green" mr={4}>+</Badge>{e}<br /></span>)}
          {diff.edgesRemoved.map((e) => <span key={`-${e}`}><Badge size="xs" color="red" mr={4}>−</Badge>{e}<br /></span>)}
        </Text>
      )}
      {diff.flowFields.length > 0 && <Text size="xs">Flow settings changed: {diff.flowFields.join(", ")}</Text>}
    </Stack>
  );
}
