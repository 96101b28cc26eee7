import { useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";

import { api, unwrap } from "../../../api/client";
import { useMe } from "../../../state/workspace";
import { useMembers } from "../members/queries";
import { ConfirmAction } from "./ConfirmAction";

/** Leave the workspace (anyone may remove themselves; the API keeps the last owner). */
export function LeaveWorkspace({ workspaceId, workspaceName }: { workspaceId: string; workspaceName: string }) {
  const me = useMe();
  const client = useQueryClient();
  const navigate = useNavigate();
  const userId = me.data?.user.id;
  const members = useMembers(workspaceId);
  const list = members.data?.pages.flatMap((page) => page.items) ?? [];
  // The API refuses the last owner; say so before they try (only when the whole list is known).
  const lastOwner =
    !members.hasNextPage &&
    list.some((m) => m.user_id === userId && m.role === "owner") &&
    list.filter((m) => m.role === "owner").length === 1;

  async function leave() {
    if (!userId) throw new Error("Not signed in");
    unwrap(
      await api.DELETE("/api/v1/workspaces/{workspace_id}/members/{user_id}", {
        params: { path: { workspace_id: workspaceId, user_id: userId } },
      }),
    );
    await client.invalidateQueries({ queryKey: ["me"] });
    navigate("/", { replace: true });
  }

  return (
    <ConfirmAction
      label="Leave workspace"
      title={`Leave ${workspaceName}?`}
      confirmLabel="Leave"
      onConfirm={leave}
      buttonProps={{ size: "sm" }}
      disabledReason={lastOwner ? "You are the only owner: make another member an owner first." : undefined}
    >
      You lose access to its flows, contacts and campaigns until someone invites you again. The last owner
      cannot leave: make another member an owner first.
    </ConfirmAction>
  );
}
