import { Button, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";

import { EmptyState, QueryState } from "../../../components/PageState";
import { useMe, useRole, useWorkspaceId } from "../../../state/workspace";
import { LeaveWorkspace } from "../shared/LeaveWorkspace";
import { can } from "../shared/roles";
import { useRoleTable } from "../shared/useRoleTable";
import { InvitationsList } from "./InvitationsList";
import { InviteForm } from "./InviteForm";
import { MembersTable } from "./MembersTable";
import { RoleLegend } from "./RoleLegend";
import { useMembers, type CreatedInvitation } from "./queries";

export function MembersPage() {
  const workspaceId = useWorkspaceId();
  const me = useMe();
  const myRole = useRole(workspaceId);
  const { data: table } = useRoleTable();
  const canWrite = can(table, myRole, "members:write");
  const members = useMembers(workspaceId);
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  // Tokens are returned only on creation; keep them so the pending list can offer the link again.
  const [tokens, setTokens] = useState<Record<string, string>>({});
  const workspaceName = me.data?.memberships.find((m) => m.workspace_id === workspaceId)?.workspace_name ?? "this workspace";

  return (
    <Stack>
      <div>
        <Title order={3}>Members</Title>
        <Text size="sm" c="dimmed">
          Who works in this workspace and what each may do.
        </Text>
      </div>
      <RoleLegend />
      <QueryState query={members} loading="Loading members…">
        {(data) => {
          const list = data.pages.flatMap((page) => page.items);
          if (list.length === 0) return <EmptyState title="No members">Invite a teammate below.</EmptyState>;
          return (
            <>
              <MembersTable
                workspaceId={workspaceId}
                members={list}
                myId={me.data?.user.id}
                myRole={myRole}
                table={table}
                leave={<LeaveWorkspace workspaceId={workspaceId} workspaceName={workspaceName} />}
              />
              {members.hasNextPage && (
                <Button variant="default" onClick={() => members.fetchNextPage()} loading={members.isFetchingNextPage}>
                  Load more
                </Button>
              )}
            </>
          );
        }}
      </QueryState>
      {canWrite ? (
        <>
          <Title order={4}>Invite a teammate</Title>
          <InviteForm
            workspaceId={workspaceId}
            myRole={myRole}
            table={table}
            created={created}
            onCreated={(result) => {
              setCreated(result);
              setTokens((known) => ({ ...known, [result.invitation.id]: result.token }));
            }}
          />
          <InvitationsList workspaceId={workspaceId} tokens={tokens} />
        </>
      ) : (
        <Text size="sm" c="dimmed">
          Only admins and owners invite members and change roles.
        </Text>
      )}
    </Stack>
  );
}
