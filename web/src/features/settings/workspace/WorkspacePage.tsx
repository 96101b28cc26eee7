import { Alert, Group, Paper, Stack, Text, Title } from "@mantine/core";

import { QueryState } from "../../../components/PageState";
import { useMe, useWorkspaceId } from "../../../state/workspace";
import { RoleBadge } from "../members/RoleLegend";
import { CopyField } from "../shared/CopyField";
import { Facts } from "../shared/Facts";
import { LeaveWorkspace } from "../shared/LeaveWorkspace";

export function WorkspacePage() {
  const workspaceId = useWorkspaceId();
  const me = useMe();
  return (
    <QueryState query={me} loading="Loading the workspace…">
      {(data) => {
        const membership = data.memberships.find((m) => m.workspace_id === workspaceId);
        if (!membership)
          return <Alert color="red">You are not a member of this workspace any more.</Alert>;
        return (
          <Stack>
            <Title order={3}>Workspace</Title>
            <Paper withBorder p="md">
              <Stack gap="sm">
                <Facts
                  items={[
                    { label: "Name", value: membership.workspace_name },
                    { label: "Organization", value: membership.organization_name },
                    { label: "Your role", value: <RoleBadge role={membership.role} /> },
                  ]}
                />
                <CopyField label="Workspace ID" value={membership.workspace_id} description="API paths and support requests use it" />
                <Text size="xs" c="dimmed">
                  Workspaces cannot be renamed yet.
                </Text>
              </Stack>
            </Paper>
            <Paper withBorder p="md" style={{ borderColor: "var(--mantine-color-red-filled)" }}>
              <Stack gap="sm">
                <Title order={4} c="red">
                  Danger zone
                </Title>
                <Group justify="space-between">
                  <Text size="sm">Leave this workspace. You need a new invitation to come back.</Text>
                  <LeaveWorkspace workspaceId={workspaceId} workspaceName={membership.workspace_name} />
                </Group>
              </Stack>
            </Paper>
          </Stack>
        );
      }}
    </QueryState>
  );
}
