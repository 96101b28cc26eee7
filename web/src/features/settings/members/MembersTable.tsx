import { Badge, Group, Select, Table, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import type { ReactNode } from "react";

import { describeError } from "../../../api/problems";
import { ConfirmAction } from "../shared/ConfirmAction";
import { canManageMember, grantableRoles, isRole, ROLE_LABELS, type RoleTable } from "../shared/roles";
import { RoleBadge } from "./RoleLegend";
import { useChangeRole, useRemoveMember, type Member } from "./queries";

export function MembersTable({
  workspaceId,
  members,
  myId,
  myRole,
  table,
  leave,
}: {
  workspaceId: string;
  members: Member[];
  myId: string | undefined;
  myRole: string | undefined;
  table: RoleTable | undefined;
  leave: ReactNode;
}) {
  const changeRole = useChangeRole(workspaceId);
  const remove = useRemoveMember(workspaceId);
  const options = grantableRoles(table, myRole).map((role) => ({ value: role, label: ROLE_LABELS[role] }));

  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="sm" aria-label="Members">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Member</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Joined</Table.Th>
            <Table.Th aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((member) => {
            const self = member.user_id === myId;
            const manage = !self && canManageMember(table, myRole, member.role);
            return (
              <Table.Tr key={member.user_id}>
                <Table.Td>
                  <Group gap={6}>
                    <Text size="sm" fw={600}>
                      {member.name}
                    </Text>
                    {self && <Badge size="xs" variant="outline">You</Badge>}
                  </Group>
                  <Text size="xs" c="dimmed">
                    {member.email}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {manage ? (
                    <Select
                      aria-label={`Role of ${member.email}`}
                      size="xs"
                      w={140}
                      allowDeselect={false}
                      data={options}
                      value={member.role}
                      disabled={changeRole.isPending}
                      onChange={(value) => {
                        if (!isRole(value ?? undefined) || value === member.role) return;
                        changeRole.mutate(
                          { userId: member.user_id, role: value as Member["role"] },
                          {
                            onSuccess: (saved) =>
                              notifications.show({ color: "teal", message: `${saved.email} is now ${ROLE_LABELS[saved.role]}.` }),
                            onError: (error) =>
                              notifications.show({ color: "red", title: "Role not changed", message: describeError(error) }),
                          },
                        );
                      }}
                    />
                  ) : (
                    <RoleBadge role={member.role} />
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{new Date(member.joined_at).toLocaleDateString()}</Text>
                </Table.Td>
                <Table.Td>
                  <Group justify="flex-end" gap="xs">
                    {self && leave}
                    {manage && (
                      <ConfirmAction
                        label="Remove"
                        ariaLabel={`Remove ${member.email}`}
                        title={`Remove ${member.name}?`}
                        confirmLabel="Remove"
                        onConfirm={() => remove.mutateAsync(member.user_id)}
                      >
                        {member.email} loses access to this workspace at once. Their past work stays.
                      </ConfirmAction>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
