import { Button, Card, Divider, Group, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";

import { formErrors } from "../../../api/problems";
import { PlanLimitAlert } from "../../../components/PlanLimitAlert";
import type { components } from "../../../api/schema";
import { useCreateWorkspace } from "../mutations";

type Membership = components["schemas"]["WorkspaceMembership"];

// The API names a workspace when it is created and offers no rename, so this step confirms the
// one sign-up made, or starts the tour in a new one with the name the user wants.
export function WorkspaceStep({
  membership,
  onConfirm,
}: {
  membership: Membership;
  onConfirm: (workspaceId: string) => void;
}) {
  const create = useCreateWorkspace();
  const canCreate = membership.role === "owner" || membership.role === "admin";
  const form = useForm({
    initialValues: { name: "" },
    validate: { name: (v) => (v.trim() ? null : "Name the new workspace") },
  });

  return (
    <Stack gap="md">
      <Card withBorder padding="lg">
        <Stack gap="xs">
          <Text size="sm" c="dimmed">
            Your workspace
          </Text>
          <Title order={3} data-testid="tour-workspace-name">
            {membership.workspace_name}
          </Title>
          <Text size="sm" c="dimmed">
            In {membership.organization_name}. Numbers, flows, contacts and campaigns live in a workspace; teammates
            you invite later see the same ones.
          </Text>
          <Group mt="xs">
            <Button onClick={() => onConfirm(membership.workspace_id)}>Continue with this workspace</Button>
          </Group>
        </Stack>
      </Card>
      {canCreate && (
        <>
          <Divider label="or start in a new workspace" labelPosition="center" />
          <form
            noValidate
            onSubmit={form.onSubmit((values) =>
              create.mutate(
                { organizationId: membership.organization_id, name: values.name.trim() },
                { onSuccess: (ws) => onConfirm(ws.id), onError: (e) => form.setErrors(formErrors(e)) },
              ),
            )}
          >
            <Group align="flex-end" wrap="wrap">
              <TextInput
                label="New workspace name"
                placeholder="e.g. Acme support"
                style={{ flex: 1, minWidth: 220 }}
                {...form.getInputProps("name")}
              />
              <Button type="submit" variant="default" loading={create.isPending}>
                Create workspace
              </Button>
            </Group>
            <PlanLimitAlert error={create.error} title="No new workspace: your plan's limit" mt="sm" />
          </form>
        </>
      )}
    </Stack>
  );
}
