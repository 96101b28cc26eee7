import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import type { components } from "../../../api/schema";

export type CloudApiNumber = components["schemas"]["CloudApiNumber"];
export type ChannelChanges = components["schemas"]["ChannelChanges"];

export const channelKeys = {
  list: (workspaceId: string, all: boolean) => ["channels", workspaceId, { all }] as const,
  health: (workspaceId: string, channelId: string) => ["channel-health", workspaceId, channelId] as const,
};

export function useChannels(workspaceId: string, includeDisconnected: boolean) {
  return useQuery({
    queryKey: channelKeys.list(workspaceId, includeDisconnected),
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/channels", {
          params: {
            path: { workspace_id: workspaceId },
            query: { include_disconnected: includeDisconnected },
          },
        }),
      ).channels,
  });
}

export function useChannelHealth(workspaceId: string, channelId: string, enabled = true) {
  return useQuery({
    queryKey: channelKeys.health(workspaceId, channelId),
    enabled,
    // The watchdog re-scores as messages flow; a minute is fresh enough for a settings page.
    refetchInterval: 60_000,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/channels/{channel_id}/health", {
          params: { path: { workspace_id: workspaceId, channel_id: channelId } },
        }),
      ),
  });
}

/** Every channel mutation refreshes the lists (and the health of the number it touched), and
 * the guided tour's progress and the dashboard, which count the connected numbers. */
function useInvalidate(workspaceId: string) {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ["channels", workspaceId] }),
      client.invalidateQueries({ queryKey: ["channel-health", workspaceId] }),
      client.invalidateQueries({ queryKey: ["onboarding"] }),
      client.invalidateQueries({ queryKey: ["dashboard", workspaceId] }),
    ]);
}

export interface SandboxNumber {
  channel_id: string;
  name: string;
}

/** The guided tour's sandbox number. */
const TOUR_SANDBOX: SandboxNumber = { channel_id: "sandbox", name: "Sandbox" };

function postSandbox(workspaceId: string, body: SandboxNumber) {
  return api.POST("/api/v1/workspaces/{workspace_id}/channels/sandbox", {
    params: { path: { workspace_id: workspaceId } },
    body,
  });
}

/** A new sandbox number under an id no other number has (see nextSandbox). */
export function useConnectSandbox(workspaceId: string) {
  const invalidate = useInvalidate(workspaceId);
  return useMutation({
    mutationFn: async (body: SandboxNumber) => unwrap(await postSandbox(workspaceId, body)),
    onSuccess: invalidate,
  });
}

/** The tour's sandbox number in one click; one that already exists counts as connected (null). */
export function useConnectTourSandbox(workspaceId: string) {
  const invalidate = useInvalidate(workspaceId);
  return useMutation({
    mutationFn: async () => {
      const result = await postSandbox(workspaceId, TOUR_SANDBOX);
      if (result.response.status === 409) return null;
      return unwrap(result);
    },
    onSuccess: invalidate,
  });
}

/** A Cloud API number; the API checks the credentials with Meta before accepting them. */
export function useConnectCloudApi(workspaceId: string) {
  const invalidate = useInvalidate(workspaceId);
  return useMutation({
    mutationFn: async (body: CloudApiNumber) =>
      unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/channels/cloud-api", {
          params: { path: { workspace_id: workspaceId } },
          body,
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useUpdateChannel(workspaceId: string, channelId: string) {
  const invalidate = useInvalidate(workspaceId);
  return useMutation({
    mutationFn: async (body: ChannelChanges) =>
      unwrap(
        await api.PATCH("/api/v1/workspaces/{workspace_id}/channels/{channel_id}", {
          params: { path: { workspace_id: workspaceId, channel_id: channelId } },
          body,
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useChannelAction(workspaceId: string, channelId: string, action: "disconnect" | "resume") {
  const invalidate = useInvalidate(workspaceId);
  return useMutation({
    mutationFn: async () => {
      const params = { params: { path: { workspace_id: workspaceId, channel_id: channelId } } };
      return unwrap(
        action === "disconnect"
          ? await api.POST("/api/v1/workspaces/{workspace_id}/channels/{channel_id}/disconnect", params)
          : await api.POST("/api/v1/workspaces/{workspace_id}/channels/{channel_id}/resume", params),
      );
    },
    onSuccess: invalidate,
  });
}
