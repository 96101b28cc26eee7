import { Badge, Button, Paper, Stack, Table, Text, ThemeIcon, Title } from "@mantine/core";
import { IconCheck, IconMinus } from "@tabler/icons-react";
import type { ReactNode } from "react";

import { FEATURES, formatLimit, formatPrice, isMonthly, metricLabel, planAction, type PlanView } from "./format";

/** Every plan side by side: price, each limit, the features; a button per plan one may buy. */
export function PlansTable({
  plans,
  currentId,
  metrics,
  canBuy,
  busyPlan,
  onChoose,
}: {
  plans: PlanView[];
  currentId: string;
  /** The limits to compare, in the usage panel's order. */
  metrics: string[];
  /** Payment is online and the person may pay: buttons are shown. */
  canBuy: boolean;
  busyPlan: string | null;
  onChoose: (plan: PlanView) => void;
}) {
  const sorted = [...plans].sort((a, b) => a.rank - b.rank);
  const current = sorted.find((p) => p.plan_id === currentId);
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>Plans</Title>
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" aria-label="Plan comparison" withRowBorders>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>
                  <Text size="sm" c="dimmed">
                    Plan
                  </Text>
                </Table.Th>
                {sorted.map((plan) => (
                  <Table.Th key={plan.plan_id} scope="col">
                    <Stack gap={2}>
                      <Text fw={700}>{plan.name}</Text>
                      {plan.plan_id === currentId && (
                        <Badge size="xs" variant="light">
                          Current plan
                        </Badge>
                      )}
                    </Stack>
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              <Row label="Price">
                {sorted.map((plan) => (
                  <Table.Td key={plan.plan_id}>
                    <Text size="sm" fw={600}>
                      {formatPrice(plan)}
                    </Text>
                  </Table.Td>
                ))}
              </Row>
              {metrics.map((metric) => (
                <Row key={metric} label={isMonthly(metric) ? `${metricLabel(metric)} / month` : metricLabel(metric)}>
                  {sorted.map((plan) => (
                    <Table.Td key={plan.plan_id}>
                      <Text size="sm">
                        {formatLimit(plan.limits[metric])}
                        {plan.pooled.includes(metric) && (
                          <Text span size="xs" c="dimmed">
                            {" "}
                            shared by the organization
                          </Text>
                        )}
                      </Text>
                    </Table.Td>
                  ))}
                </Row>
              ))}
              {FEATURES.map(({ feature, label }) => (
                <Row key={feature} label={label}>
                  {sorted.map((plan) => (
                    <Table.Td key={plan.plan_id}>
                      <Included yes={plan.features.includes(feature)} />
                    </Table.Td>
                  ))}
                </Row>
              ))}
              <Row label="Free trial">
                {sorted.map((plan) => (
                  <Table.Td key={plan.plan_id}>
                    <Text size="sm">{plan.trial_days > 0 ? `${plan.trial_days} days` : "—"}</Text>
                  </Table.Td>
                ))}
              </Row>
              {canBuy && (
                <Table.Tr>
                  <Table.Td />
                  {sorted.map((plan) => {
                    const action = planAction(plan, current, currentId);
                    return (
                      <Table.Td key={plan.plan_id}>
                        {action === "upgrade" || action === "choose" ? (
                          <Button
                            size="xs"
                            variant={action === "upgrade" ? "filled" : "default"}
                            loading={busyPlan === plan.plan_id}
                            disabled={busyPlan !== null && busyPlan !== plan.plan_id}
                            onClick={() => onChoose(plan)}
                            aria-label={`${action === "upgrade" ? "Upgrade" : "Choose"} to ${plan.name}`}
                          >
                            {action === "upgrade" ? "Upgrade" : "Choose"}
                          </Button>
                        ) : null}
                      </Table.Td>
                    );
                  })}
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Paper>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row">
        <Text size="sm" fw={500}>
          {label}
        </Text>
      </Table.Th>
      {children}
    </Table.Tr>
  );
}

function Included({ yes }: { yes: boolean }) {
  return (
    <ThemeIcon size="sm" radius="xl" variant={yes ? "light" : "transparent"} color={yes ? "teal" : "gray"} aria-label={yes ? "Included" : "Not included"} role="img">
      {yes ? <IconCheck size={14} /> : <IconMinus size={14} />}
    </ThemeIcon>
  );
}
