import { Badge, Button, Group, Spoiler, Stack, Switch, Table, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconKey, IconPlus } from "@tabler/icons-react";
import { useState } from "react";

import { EmptyState, QueryState } from "../../../components/PageState";
import { useRole, useWorkspaceId } from "../../../state/workspace";
import { ConfirmAction } from "../shared/ConfirmAction";
import { can, ROLE_LABELS, roleWithPermissions, type Role, type RoleTable } from "../shared/roles";
import { useRoleTable } from "../shared/useRoleTable";
import { CreateKeyModal } from "./CreateKeyModal";
import { keyPrefix, useApiKeys, useRevokeApiKey, type ApiKey } from "./queries";

function when(value: string | null): string {
  return value ? new Date(value).toLocaleString() : "Never";
}

export function ApiKeysPage() {
  const workspaceId = useWorkspaceId();
  const role = useRole(workspaceId);
  const { data: table } = useRoleTable();
  const canRead = can(table, role, "api_keys:read");
  const canWrite = can(table, role, "api_keys:write");
  const [showRevoked, setShowRevoked] = useState(false);
  const [creating, creator] = useDisclosure(false);
  const keys = useApiKeys(workspaceId, showRevoked, canRead);

  if (role !== undefined && table !== undefined && !canRead)
    return (
      <EmptyState title="API keys are for admins" icon={<IconKey />}>
        Only admins and owners see and create this workspace&apos;s API keys.
      </EmptyState>
    );

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={3}>API keys</Title>
          <Text size="sm" c="dimmed">
            Keys let your own systems call the Parley API for this workspace, with only the permissions you give them.
          </Text>
        </div>
        {canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={creator.open}>
            Create API key
          </Button>
        )}
      </Group>
      <Switch label="Show revoked keys" checked={showRevoked} onChange={(e) => setShowRevoked(e.currentTarget.checked)} />
      <QueryState query={keys} loading="Loading API keys…">
        {(data) => {
          const list = data.pages.flatMap((page) => page.items);
          if (list.length === 0)
            return (
              <EmptyState title="No API keys" icon={<IconKey />}>
                Create a key to connect a CRM, a shop or a script to this workspace.
              </EmptyState>
            );
          return (
            <>
              <KeysTable workspaceId={workspaceId} keys={list} canWrite={canWrite} table={table} />
              {keys.hasNextPage && (
                <Button variant="default" onClick={() => keys.fetchNextPage()} loading={keys.isFetchingNextPage}>
                  Load more
                </Button>
              )}
            </>
          );
        }}
      </QueryState>
      {table && (
        <CreateKeyModal workspaceId={workspaceId} table={table} myRole={role} opened={creating} onClose={creator.close} />
      )}
    </Stack>
  );
}

function KeysTable({
  workspaceId,
  keys,
  canWrite,
  table,
}: {
  workspaceId: string;
  keys: ApiKey[];
  canWrite: boolean;
  table: RoleTable | undefined;
}) {
  const revoke = useRevokeApiKey(workspaceId);
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="sm" aria-label="API keys">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Permissions</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((key) => (
            <Table.Tr key={key.id}>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {key.name}
                </Text>
                <Text size="xs" c="dimmed" ff="monospace">
                  {keyPrefix(key)}
                </Text>
              </Table.Td>
              <Table.Td maw={320}>
                <SameAsRole role={roleWithPermissions(table, key.permissions)} />
                <Spoiler
                  maxHeight={44}
                  showLabel={<Text size="xs">Show all {key.permissions.length}</Text>}
                  hideLabel={<Text size="xs">Show less</Text>}
                >
                  <Group gap={4}>
                    {key.permissions.map((permission) => (
                      <Badge key={permission} size="xs" variant="outline" tt="none">
                        {permission}
                      </Badge>
                    ))}
                  </Group>
                </Spoiler>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{when(key.created_at)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{when(key.last_used_at)}</Text>
              </Table.Td>
              <Table.Td>
                <Group justify="flex-end">
                  {key.revoked_at ? (
                    <Badge color="gray">Revoked</Badge>
                  ) : (
                    canWrite && (
                      <ConfirmAction
                        label="Revoke"
                        ariaLabel={`Revoke ${key.name}`}
                        title={`Revoke ${key.name}?`}
                        confirmLabel="Revoke key"
                        onConfirm={() => revoke.mutateAsync(key.id)}
                      >
                        Every request with this key is refused from now on. This cannot be undone.
                      </ConfirmAction>
                    )
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function SameAsRole({ role }: { role: Role | undefined }) {
  if (!role) return null;
  return (
    <Text size="xs" c="dimmed" mb={4}>
      Same as {ROLE_LABELS[role]}
    </Text>
  );
}
