import { useQueries } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { SetupFacts } from "./progress";

// The server's side of the tour's progress: the workspace's numbers, flows, and whether any
// execution ever ran. `pollMs` lets the tour's page notice the read models catching up.

export function setupKeys(workspaceId: string) {
  return {
    channels: ["channels", workspaceId, { tour: true }] as const,
    flows: ["onboarding", "flows", workspaceId] as const,
    executions: ["onboarding", "executions", workspaceId] as const,
  };
}

export function useSetupFacts(workspaceId: string | null, pollMs: number | false = false) {
  const ws = workspaceId ?? "";
  const keys = setupKeys(ws);
  const [channels, flows, executions] = useQueries({
    queries: [
      {
        queryKey: keys.channels,
        enabled: Boolean(workspaceId),
        refetchInterval: pollMs,
        queryFn: async () =>
          unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/channels", { params: { path: { workspace_id: ws } } })),
      },
      {
        queryKey: keys.flows,
        enabled: Boolean(workspaceId),
        refetchInterval: pollMs,
        queryFn: async () =>
          unwrap(
            await api.GET("/api/v1/workspaces/{workspace_id}/flows", {
              params: { path: { workspace_id: ws }, query: { limit: 50 } },
            }),
          ),
      },
      {
        queryKey: keys.executions,
        enabled: Boolean(workspaceId),
        refetchInterval: pollMs,
        queryFn: async () =>
          unwrap(
            await api.GET("/api/v1/workspaces/{workspace_id}/executions", {
              params: { path: { workspace_id: ws }, query: { limit: 1 } },
            }),
          ),
      },
    ],
  });
  const facts: SetupFacts | undefined =
    channels.data && flows.data && executions.data
      ? { channels: channels.data.channels, flows: flows.data.items, hasExecution: executions.data.items.length > 0 }
      : undefined;
  return {
    facts,
    isPending: channels.isPending || flows.isPending || executions.isPending,
    error: channels.error ?? flows.error ?? executions.error,
    refetch: () => Promise.all([channels.refetch(), flows.refetch(), executions.refetch()]),
  };
}
