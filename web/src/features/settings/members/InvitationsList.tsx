import { Button, Group, Stack, Table, Text, Title } from "@mantine/core";

import { QueryState } from "../../../components/PageState";
import { ConfirmAction } from "../shared/ConfirmAction";
import { CopyField } from "../shared/CopyField";
import { RoleBadge } from "./RoleLegend";
import { invitationLink, useInvitations, useRevokeInvitation } from "./queries";

/** Pending invitations; the link of one created on this page can be copied again. */
export function InvitationsList({ workspaceId, tokens }: { workspaceId: string; tokens: Record<string, string> }) {
  const invitations = useInvitations(workspaceId, true);
  const revoke = useRevokeInvitation(workspaceId);

  return (
    <Stack gap="xs">
      <Title order={4}>Pending invitations</Title>
      <QueryState query={invitations} loading="Loading invitations…">
        {(data) => {
          const pending = data.pages.flatMap((page) => page.items).filter((i) => i.status === "pending");
          if (pending.length === 0)
            return (
              <Text size="sm" c="dimmed">
                No pending invitations. Invite a teammate by email above.
              </Text>
            );
          return (
            <>
              <Table.ScrollContainer minWidth={640}>
                <Table verticalSpacing="sm" aria-label="Pending invitations">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Email</Table.Th>
                      <Table.Th>Role</Table.Th>
                      <Table.Th>Expires</Table.Th>
                      <Table.Th aria-label="Actions" />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {pending.map((invitation) => (
                      <Table.Tr key={invitation.id}>
                        <Table.Td>
                          <Text size="sm">{invitation.email}</Text>
                          {tokens[invitation.id] !== undefined ? (
                            <CopyField
                              label={`Link for ${invitation.email}`}
                              size="xs"
                              mt={4}
                              value={invitationLink(window.location.origin, tokens[invitation.id] ?? "")}
                            />
                          ) : (
                            <Text size="xs" c="dimmed">
                              The link is shown only when created: revoke and invite again for a new one.
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <RoleBadge role={invitation.role} />
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{new Date(invitation.expires_at).toLocaleDateString()}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Group justify="flex-end">
                            <ConfirmAction
                              label="Revoke"
                              ariaLabel={`Revoke the invitation for ${invitation.email}`}
                              title="Revoke this invitation?"
                              confirmLabel="Revoke"
                              onConfirm={() => revoke.mutateAsync(invitation.id)}
                            >
                              The link sent to {invitation.email} stops working.
                            </ConfirmAction>
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              {invitations.hasNextPage && (
                <Button variant="default" onClick={() => invitations.fetchNextPage()} loading={invitations.isFetchingNextPage}>
                  Load more
                </Button>
              )}
            </>
          );
        }}
      </QueryState>
    </Stack>
  );
}
