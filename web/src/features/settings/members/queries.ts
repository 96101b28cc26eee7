import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import type { components } from "../../../api/schema";
import type { Role } from "../shared/roles";

export type Member = components["schemas"]["Member"];
export type Invitation = components["schemas"]["Invitation"];
export type CreatedInvitation = components["schemas"]["CreatedInvitation"];

const PAGE = 50;

export function useMembers(workspaceId: string) {
  return useInfiniteQuery({
    queryKey: ["members", workspaceId],
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/members", {
          params: { path: { workspace_id: workspaceId }, query: { limit: PAGE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useInvitations(workspaceId: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: ["invitations", workspaceId],
    enabled,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/invitations", {
          params: { path: { workspace_id: workspaceId }, query: { limit: PAGE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

function useRefresh(workspaceId: string) {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ["members", workspaceId] }),
      client.invalidateQueries({ queryKey: ["invitations", workspaceId] }),
    ]);
}

export function useChangeRole(workspaceId: string) {
  const refresh = useRefresh(workspaceId);
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ userId, role }: { userId: string; role: Role }) =>
      unwrap(
        await api.PATCH("/api/v1/workspaces/{workspace_id}/members/{user_id}", {
          params: { path: { workspace_id: workspaceId, user_id: userId } },
          body: { role },
        }),
      ),
    // The signed-in user's own role may be the one that changed.
    onSuccess: () => Promise.all([refresh(), client.invalidateQueries({ queryKey: ["me"] })]),
  });
}

export function useRemoveMember(workspaceId: string) {
  const refresh = useRefresh(workspaceId);
  return useMutation({
    mutationFn: async (userId: string) =>
      unwrap(
        await api.DELETE("/api/v1/workspaces/{workspace_id}/members/{user_id}", {
          params: { path: { workspace_id: workspaceId, user_id: userId } },
        }),
      ),
    onSuccess: refresh,
  });
}

export function useInvite(workspaceId: string) {
  const refresh = useRefresh(workspaceId);
  return useMutation({
    mutationFn: async (body: { email: string; role: Role }) =>
      unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/invitations", {
          params: { path: { workspace_id: workspaceId } },
          body,
        }),
      ),
    onSuccess: refresh,
  });
}

export function useRevokeInvitation(workspaceId: string) {
  const refresh = useRefresh(workspaceId);
  return useMutation({
    mutationFn: async (invitationId: string) =>
      unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/invitations/{invitation_id}/revoke", {
          params: { path: { workspace_id: workspaceId, invitation_id: invitationId } },
        }),
      ),
    onSuccess: refresh,
  });
}

/** The link an invitee opens; no email is sent in embedded mode, so it is shown to copy. */
export function invitationLink(origin: string, token: string): string {
  return `${origin.replace(/\/$/, "")}/invite?token=${encodeURIComponent(token)}`;
}
