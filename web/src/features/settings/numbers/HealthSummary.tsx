import { Badge, Group, Loader, Text, Tooltip } from "@mantine/core";

import { describeError } from "../../../api/problems";
import { LEVELS, type ChannelView } from "./health";
import { useChannelHealth } from "./queries";

/** The number's health score and level, as one badge for the list. */
export function HealthSummary({ workspaceId, channel }: { workspaceId: string; channel: ChannelView }) {
  const health = useChannelHealth(workspaceId, channel.channel_id, channel.status !== "disconnected");
  if (channel.status === "disconnected") return <Text size="sm" c="dimmed">—</Text>;
  if (health.isPending) return <Loader size="xs" aria-label="Loading health" />;
  if (health.error || !health.data)
    return (
      <Tooltip label={describeError(health.error)}>
        <Badge color="gray" variant="outline">
          Unavailable
        </Badge>
      </Tooltip>
    );
  const level = LEVELS[health.data.level];
  const reasons = health.data.reasons.length;
  return (
    <Group gap={6} wrap="nowrap">
      <Badge color={level.color} variant="light" aria-label={`Health ${health.data.score} of 100, ${level.label}`}>
        {health.data.score} · {level.label}
      </Badge>
      {reasons > 0 && (
        <Text size="xs" c="dimmed">
          {reasons} {reasons === 1 ? "reason" : "reasons"}
        </Text>
      )}
    </Group>
  );
}
