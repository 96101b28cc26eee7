import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import type { components } from "../../../api/schema";

export type ApiKey = components["schemas"]["ApiKey"];
export type CreatedApiKey = components["schemas"]["CreatedApiKey"];

export function useApiKeys(workspaceId: string, includeRevoked: boolean, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: ["api-keys", workspaceId, { includeRevoked }],
    enabled,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/api-keys", {
          params: {
            path: { workspace_id: workspaceId },
            query: { limit: 50, cursor: pageParam, include_revoked: includeRevoked },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useCreateApiKey(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { name: string; permissions: string[] }) =>
      unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/api-keys", {
          params: { path: { workspace_id: workspaceId } },
          body,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["api-keys", workspaceId] }),
  });
}

export function useRevokeApiKey(workspaceId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (keyId: string) =>
      unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/api-keys/{key_id}/revoke", {
          params: { path: { workspace_id: workspaceId, key_id: keyId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["api-keys", workspaceId] }),
  });
}

/** A key's public start (`pk_<id>_`), so a key found in a config file can be matched to its row. */
export function keyPrefix(key: Pick<ApiKey, "id">): string {
  return `pk_${key.id}_…`;
}
