import { Alert, Badge, Card, Group, List, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconCircleCheck, IconInfoCircle } from "@tabler/icons-react";

import { SeePlansLink } from "../../../components/PlanLimitAlert";
import { formatTime } from "../../contacts/model";
import type { DryRunReport } from "../model";
import { formatDuration } from "../progress";

// The plan's problems (over a limit now, or too few messages left this month for the audience)
// point to the plans.
const PLAN_PROBLEMS = ["PLAN_LIMIT_REACHED", "PLAN_FEATURE_MISSING", "MESSAGE_QUOTA_SHORT"];

function PlanHint({ code }: { code: string }) {
  return PLAN_PROBLEMS.includes(code) ? (
    <>
      {" "}
      <SeePlansLink inheritColor />
    </>
  ) : null;
}

function Figure({ label, value, hint }: { label: string; value: string | number; hint?: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} aria-label={`${label}: ${value}`}>
        {value}
      </Text>
      {hint && <Text size="xs" c="dimmed">{hint}</Text>}
    </Card>
  );
}

/** What a launch would meet now; blocking problems first and loud. */
export function DryRunReportView({ report }: { report: DryRunReport }) {
  const blocking = report.problems.filter((p) => p.blocking);
  const warnings = report.problems.filter((p) => !p.blocking);
  const tier = report.tier_limit === null ? `${report.tier_after} (no cap)` : `${report.tier_after} of ${report.tier_limit}`;
  return (
    <Stack aria-label="Dry run report" role="region">
      <Group justify="space-between">
        <Title order={3}>Dry run</Title>
        <Text size="xs" c="dimmed">
          Evaluated {formatTime(report.evaluated_at)}
        </Text>
      </Group>
      {blocking.length > 0 ? (
        <Alert color="red" variant="filled" icon={<IconAlertTriangle />} title={`${blocking.length} problem${blocking.length > 1 ? "s" : ""} block this campaign`} role="alert">
          <List size="sm" spacing={4}>
            {blocking.map((p, i) => (
              <List.Item key={i}>
                <b>{p.code}</b>: {p.message}
                <PlanHint code={p.code} />
              </List.Item>
            ))}
          </List>
        </Alert>
      ) : (
        <Alert color="teal" icon={<IconCircleCheck />} title="Ready to send">
          Nothing blocks this campaign.
        </Alert>
      )}
      {warnings.length > 0 && (
        <Alert color="yellow" icon={<IconInfoCircle />} title="Worth knowing">
          <List size="sm" spacing={4}>
            {warnings.map((p, i) => (
              <List.Item key={i}>
                <b>{p.code}</b>: {p.message}
                <PlanHint code={p.code} />
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 4 }}>
        <Figure label="Audience" value={report.audience} />
        <Figure label="Will send" value={report.will_send} />
        <Figure label="Excluded without opt-in" value={report.excluded_without_opt_in} hint="Captured leads are always among them until they opt in" />
        <Figure label="Excluded opted out" value={report.excluded_opted_out} />
        <Figure label="Outside 24 h window" value={report.outside_window} hint="Reached by a template only" />
        <Figure label="Tier after this campaign" value={tier} hint={`${report.tier || "—"}; used ${report.tier_used} in the last 24 h`} />
        <Figure label="Rate" value={`${Math.round(report.rate_per_second * 10) / 10}/s`} />
        <Figure label="Expected duration" value={formatDuration(report.expected_duration_seconds)} />
      </SimpleGrid>
      <Group gap="xs">
        <Text size="sm" c="dimmed">
          Number:
        </Text>
        <Badge variant="outline" tt="none">
          {report.channel_id || "none"}
        </Badge>
      </Group>
    </Stack>
  );
}
