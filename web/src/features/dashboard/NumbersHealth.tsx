import { Anchor, Badge, Card, Group, List, RingProgress, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";

import { healthColor } from "./format";
import type { Dashboard, NumberFigures } from "./types";

export function NumbersHealth({ data, workspaceId }: { data: Dashboard; workspaceId: string }) {
  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h5">
          Number health
        </Title>
        <Anchor component={Link} to={`/w/${workspaceId}/settings/numbers`} size="sm">
          Manage numbers
        </Anchor>
      </Group>
      {data.numbers.length === 0 ? (
        <Text size="sm" c="dimmed">
          No WhatsApp number yet.{" "}
          <Anchor component={Link} to="/onboarding" size="sm">
            Connect one in the guided tour
          </Anchor>
          .
        </Text>
      ) : (
        <Stack gap="md">
          {data.numbers.map((n) => (
            <NumberRow key={n.channel_id} number={n} />
          ))}
        </Stack>
      )}
    </Card>
  );
}

function NumberRow({ number }: { number: NumberFigures }) {
  const score = number.health_score;
  const color = healthColor(score);
  return (
    <Group align="flex-start" wrap="nowrap" gap="md" data-testid={`number-${number.channel_id}`}>
      <RingProgress
        size={72}
        thickness={7}
        roundCaps
        sections={[{ value: score ?? 0, color }]}
        label={
          <Text ta="center" fw={700} size="sm">
            {score ?? "—"}
          </Text>
        }
        aria-label={score === null ? "Health unknown" : `Health score ${score} of 100`}
      />
      <Stack gap={4} style={{ minWidth: 0 }}>
        <Group gap="xs">
          <Text fw={600} truncate>
            {number.name || number.channel_id}
          </Text>
          <Badge size="xs" variant="light" color={number.status === "active" ? "teal" : "red"}>
            {number.status}
          </Badge>
        </Group>
        {number.phone && (
          <Text size="xs" c="dimmed">
            {number.phone}
          </Text>
        )}
        {score === null ? (
          <Text size="sm" c="dimmed">
            Health could not be read right now.
          </Text>
        ) : number.reasons.length === 0 ? (
          <Text size="sm" c="dimmed">
            Healthy: nothing to fix.
          </Text>
        ) : (
          <List size="sm" spacing={2}>
            {number.reasons.map((r) => (
              <List.Item key={r.code}>
                <Text span size="sm" fw={500}>
                  {reasonTitle(r.code)}
                </Text>
                {r.detail && (
                  <Text span size="sm" c="dimmed">
                    {" "}
                    — {r.detail}
                  </Text>
                )}
              </List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Group>
  );
}

// The watchdog's reason codes read as words ("delivery_failures" → "Delivery failures"); the
// numbers page has the full advice for each.
function reasonTitle(code: string): string {
  const words = code.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
