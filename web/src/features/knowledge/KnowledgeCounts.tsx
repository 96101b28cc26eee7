import { Badge, Group, Text } from "@mantine/core";

import type { KnowledgeBase } from "./model";

/** How many documents, and how many of them are being indexed or failed. */
export function KnowledgeCounts({ kb }: { kb: KnowledgeBase }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="sm">{kb.documents ?? 0}</Text>
      {(kb.indexing ?? 0) > 0 && (
        <Badge color="blue" variant="light" size="sm">
          {kb.indexing} indexing
        </Badge>
      )}
      {(kb.failed ?? 0) > 0 && (
        <Badge color="red" variant="light" size="sm">
          {kb.failed} failed
        </Badge>
      )}
    </Group>
  );
}
