import { Group, List, Paper, Progress, SimpleGrid, Stack, Text, Title } from "@mantine/core";

import {
  barValue,
  isMonthly,
  LEVEL_COLORS,
  metricLabel,
  scopeText,
  usageLevel,
  usageText,
  warningText,
  type UsageBar,
  type UsageWarning,
} from "./format";

function Bar({ bar }: { bar: UsageBar }) {
  const level = usageLevel(bar);
  const label = metricLabel(bar.metric);
  const text = usageText(bar);
  const scope = scopeText(bar.scope);
  return (
    <Stack gap={4} data-testid={`usage-${bar.metric}`} data-level={level}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        <Text size="sm" c={level === "unknown" ? "dimmed" : undefined} fw={level === "full" || level === "warn" ? 700 : 400}>
          {text}
        </Text>
      </Group>
      <Progress
        value={barValue(bar)}
        color={LEVEL_COLORS[level]}
        size="md"
        aria-label={`${label}: ${text}${scope ? `, ${scope}` : ""}`}
      />
      {scope && (
        <Text size="xs" c="dimmed">
          {scope.charAt(0).toUpperCase() + scope.slice(1)}
        </Text>
      )}
    </Stack>
  );
}

/** A bar per limit: this period's monthly figures first, then what exists now. */
export function UsagePanel({ usage, warnings, periodText }: { usage: UsageBar[]; warnings: UsageWarning[]; periodText: string }) {
  const monthly = usage.filter((bar) => isMonthly(bar.metric));
  const standing = usage.filter((bar) => !isMonthly(bar.metric));
  return (
    <Paper withBorder p="md">
      <Stack gap="md">
        <Title order={4}>Usage</Title>
        {warnings.length > 0 && (
          <Stack gap={4} role="region" aria-label="Usage warnings">
            <Text size="sm" fw={600}>
              Warnings this period
            </Text>
            <List size="sm" spacing={2}>
              {warnings.map((w) => (
                <List.Item key={`${w.metric}-${w.scope}-${w.threshold}`}>{warningText(w)}</List.Item>
              ))}
            </List>
          </Stack>
        )}
        <Text size="sm" c="dimmed">
          This billing period ({periodText})
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="lg">
          {monthly.map((bar) => (
            <Bar key={bar.metric} bar={bar} />
          ))}
        </SimpleGrid>
        <Text size="sm" c="dimmed">
          In use now
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="lg">
          {standing.map((bar) => (
            <Bar key={bar.metric} bar={bar} />
          ))}
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}
