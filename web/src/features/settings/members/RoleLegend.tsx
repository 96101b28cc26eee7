import { Badge, Paper, SimpleGrid, Stack, Text, Tooltip } from "@mantine/core";

import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES_DESC, type Role } from "../shared/roles";

const COLORS: Record<Role, string> = { owner: "grape", admin: "indigo", editor: "teal", agent: "cyan", viewer: "gray" };

/** A role as a badge whose tooltip says what the role may do. */
export function RoleBadge({ role }: { role: Role }) {
  return (
    <Tooltip label={ROLE_DESCRIPTIONS[role]} multiline w={300} withArrow>
      <Badge color={COLORS[role]} variant="light" tabIndex={0}>
        {ROLE_LABELS[role]}
      </Badge>
    </Tooltip>
  );
}

/** Every role and what it may do; each role holds every permission of the roles below it. */
export function RoleLegend() {
  return (
    <Paper withBorder p="sm" component="section" aria-label="Roles">
      <Text size="sm" fw={600} mb="xs">
        Roles (each includes everything of the roles below it)
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="xs">
        {ROLES_DESC.map((role) => (
          <Stack key={role} gap={4}>
            <Badge color={COLORS[role]} variant="light">
              {ROLE_LABELS[role]}
            </Badge>
            <Text size="xs" c="dimmed">
              {ROLE_DESCRIPTIONS[role]}
            </Text>
          </Stack>
        ))}
      </SimpleGrid>
    </Paper>
  );
}
