import { Badge, Group, Text } from "@mantine/core";

import { CONSENT_STATES, type ConsentState } from "./model";

export function ConsentBadge({ state }: { state: ConsentState }) {
  const known = CONSENT_STATES.find((c) => c.value === state) ?? CONSENT_STATES[2]!;
  return (
    <Badge color={known.color} variant="light">
      {known.label}
    </Badge>
  );
}

export function TagList({ tags, max = 4 }: { tags: string[]; max?: number }) {
  if (!tags.length) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Group gap={4} wrap="wrap">
      {tags.slice(0, max).map((tag) => (
        <Badge key={tag} variant="outline" size="sm" tt="none">
          {tag}
        </Badge>
      ))}
      {tags.length > max && <Text size="xs" c="dimmed">+{tags.length - max}</Text>}
    </Group>
  );
}
