import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";

import { api, unwrap } from "../api/client";

/** The workspace of the current page (`/w/:workspaceId/...`). */
export function useWorkspaceId(): string {
  const { workspaceId } = useParams();
  if (!workspaceId) throw new Error("useWorkspaceId outside a workspace route");
  return workspaceId;
}

/** The signed-in user and their workspaces (with their role in each). */
export function useMe() {
  return useQuery({
    queryKey: ["me"],
    queryFn: async () => unwrap(await api.GET("/api/v1/me")),
    staleTime: 60_000,
  });
}

/** The signed-in user's role in a workspace, for hiding actions they may not take. */
export function useRole(workspaceId: string): string | undefined {
  const me = useMe();
  return me.data?.memberships.find((m) => m.workspace_id === workspaceId)?.role;
}
