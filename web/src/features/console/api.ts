import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { ExecutionReplay } from "../../api/types";

// The console's reads: a flow's executions (cursor pages), an execution's timeline, the state
// after one of its events, what a newer version would have done, and contact names.

export const consoleKeys = {
  executions: (workspaceId: string, flowId: string) => ["executions", workspaceId, { flowId }] as const,
  timeline: (workspaceId: string, executionId: string) => ["execution-timeline", workspaceId, executionId] as const,
  state: (workspaceId: string, executionId: string, at: number) => ["execution-state", workspaceId, executionId, at] as const,
  divergence: (workspaceId: string, executionId: string, version: number) =>
    ["execution-divergence", workspaceId, executionId, version] as const,
  contacts: (workspaceId: string) => ["contacts", workspaceId, "console-directory"] as const,
};

const PAGE = 25;

export function useFlowExecutions(workspaceId: string, flowId: string) {
  return useInfiniteQuery({
    queryKey: consoleKeys.executions(workspaceId, flowId),
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/executions", {
          params: { path: { workspace_id: workspaceId }, query: { flow_id: flowId, limit: PAGE, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor || undefined,
  });
}

export function useExecutionTimeline(workspaceId: string, executionId: string) {
  return useQuery({
    queryKey: consoleKeys.timeline(workspaceId, executionId),
    queryFn: async (): Promise<ExecutionReplay> =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/executions/{execution_id}/timeline", {
          params: { path: { workspace_id: workspaceId, execution_id: executionId } },
        }),
      ),
  });
}

/** The execution's state after its first `at` events (variables, status) for the scrubber. */
export function useStateAfter(workspaceId: string, executionId: string, at: number, enabled: boolean) {
  return useQuery({
    queryKey: consoleKeys.state(workspaceId, executionId, at),
    enabled,
    staleTime: Infinity, // a recorded log does not change before `at`
    placeholderData: keepPreviousData,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/executions/{execution_id}/replay", {
          params: { path: { workspace_id: workspaceId, execution_id: executionId }, query: { at } },
        }),
      ).state ?? null,
  });
}

export function useDivergence(workspaceId: string, executionId: string, version: number | null) {
  return useQuery({
    queryKey: consoleKeys.divergence(workspaceId, executionId, version ?? 0),
    enabled: version !== null,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/executions/{execution_id}/replay", {
          params: {
            path: { workspace_id: workspaceId, execution_id: executionId },
            query: { against_version: version ?? 1 },
          },
        }),
      ).divergence ?? null,
  });
}

/**
 * Names of the workspace's most recently active contacts, by id, for the list. One page read
 * once (not a read per row): the contacts the console shows are the ones who wrote lately.
 */
export function useContactDirectory(workspaceId: string) {
  return useQuery({
    queryKey: consoleKeys.contacts(workspaceId),
    staleTime: 30_000,
    retry: false,
    queryFn: async () => {
      const page = unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/contacts", {
          params: { path: { workspace_id: workspaceId }, query: { order: "last_inbound_desc", limit: 100 } },
        }),
      );
      return new Map(page.items.map((c) => [c.contact_id, c.name || c.phone]));
    },
  });
}
