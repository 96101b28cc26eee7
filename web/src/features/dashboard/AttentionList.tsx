import { Anchor, Card, Group, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { IconAlertOctagon, IconAlertTriangle, IconCircleCheck, IconInfoCircle } from "@tabler/icons-react";
import { Link } from "react-router";

import { attentionHref, SEVERITY_COLOR } from "./attention";
import type { Dashboard, Severity } from "./types";

const ICON: Record<Severity, typeof IconInfoCircle> = {
  critical: IconAlertOctagon,
  warning: IconAlertTriangle,
  info: IconInfoCircle,
};

export function AttentionList({ data, workspaceId }: { data: Dashboard; workspaceId: string }) {
  return (
    <Card withBorder padding="md">
      <Title order={3} size="h5" mb="sm">
        Needs attention
      </Title>
      {data.attention.length === 0 ? (
        <Group gap="xs">
          <ThemeIcon variant="light" color="teal" size="sm" radius="xl">
            <IconCircleCheck size={14} />
          </ThemeIcon>
          <Text size="sm" c="dimmed">
            All clear: nothing needs you right now.
          </Text>
        </Group>
      ) : (
        <Stack gap="sm" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {data.attention.map((item, i) => {
            const Icon = ICON[item.severity];
            const color = SEVERITY_COLOR[item.severity];
            return (
              <Group key={`${item.kind}-${item.target.id ?? i}`} component="li" align="flex-start" wrap="nowrap" gap="sm">
                <ThemeIcon variant="light" color={color} size="md" radius="xl" aria-label={item.severity}>
                  <Icon size={16} />
                </ThemeIcon>
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Anchor component={Link} to={attentionHref(workspaceId, item.target)} fw={600} size="sm">
                    {item.title}
                  </Anchor>
                  {item.detail && (
                    <Text size="xs" c="dimmed">
                      {item.detail}
                    </Text>
                  )}
                </Stack>
              </Group>
            );
          })}
        </Stack>
      )}
    </Card>
  );
}
