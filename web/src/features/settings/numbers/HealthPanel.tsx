import { Alert, Badge, Group, Paper, RingProgress, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconCircleCheck } from "@tabler/icons-react";

import { QueryState } from "../../../components/PageState";
import { adviceFor, LEVELS, qualityOf, tierLabel } from "./health";
import { useChannelHealth } from "./queries";

const COUNT_LABELS: Record<string, string> = {
  sent: "Sent",
  delivered: "Delivered",
  failed: "Failed",
  spam_signals: "Spam signals",
  opt_outs: "Opt-outs",
  replies: "Replies",
  business_initiated: "New people reached",
  blocks: "Blocks",
};

/** The health report of one number: score, what it does to sending, each reason and its fix. */
export function HealthPanel({ workspaceId, channelId }: { workspaceId: string; channelId: string }) {
  const health = useChannelHealth(workspaceId, channelId);
  return (
    <QueryState query={health} loading="Loading the number's health…">
      {(report) => {
        const level = LEVELS[report.level];
        const quality = qualityOf(report.quality);
        return (
          <Stack gap="sm">
            <Group wrap="nowrap" align="center">
              <RingProgress
                size={88}
                thickness={8}
                roundCaps
                sections={[{ value: report.score, color: level.color }]}
                label={
                  <Text ta="center" fw={700} size="lg">
                    {report.score}
                  </Text>
                }
                aria-label={`Health score ${report.score} of 100`}
              />
              <Stack gap={4}>
                <Group gap="xs">
                  <Badge color={level.color}>{level.label}</Badge>
                  <Badge color={quality.color} variant="outline">
                    Quality: {quality.label}
                  </Badge>
                </Group>
                <Text size="sm">{level.effect}</Text>
                <Text size="xs" c="dimmed">
                  Messaging limit: {tierLabel(report.tier)} · speed ×{report.rate_factor}
                </Text>
              </Stack>
            </Group>
            <Title order={5}>Why this score</Title>
            {report.reasons.length === 0 ? (
              <Alert color="teal" icon={<IconCircleCheck />} variant="light">
                Nothing is wrong: no failures, spam signals, opt-outs or quality warnings in the last 24 hours.
              </Alert>
            ) : (
              <Stack gap="xs">
                {report.reasons.map((reason) => {
                  const advice = adviceFor(reason.code);
                  return (
                    <Paper key={reason.code} withBorder p="sm">
                      <Group justify="space-between" wrap="nowrap" align="flex-start">
                        <Text fw={600} size="sm">
                          {advice.title}
                        </Text>
                        <Badge color="red" variant="light">
                          −{reason.penalty}
                        </Badge>
                      </Group>
                      <Text size="sm" c="dimmed">
                        {reason.detail}
                      </Text>
                      <Text size="sm" mt={4}>
                        What to do: {advice.action}
                      </Text>
                    </Paper>
                  );
                })}
              </Stack>
            )}
            {Object.keys(report.counts).length > 0 && (
              <>
                <Title order={5}>Last 24 hours</Title>
                <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
                  {Object.entries(report.counts).map(([name, value]) => (
                    <Paper key={name} withBorder p="xs">
                      <Text size="xs" c="dimmed">
                        {COUNT_LABELS[name] ?? name.replaceAll("_", " ")}
                      </Text>
                      <Text fw={600}>{value}</Text>
                    </Paper>
                  ))}
                </SimpleGrid>
              </>
            )}
          </Stack>
        );
      }}
    </QueryState>
  );
}
