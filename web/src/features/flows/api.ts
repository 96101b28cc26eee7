import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { FlowGraph } from "./model/types";

// The gateway's flow endpoints as TanStack queries and mutations.
const base = "/api/v1/workspaces/{workspace_id}/flows/{flow_id}" as const;

export const flowKeys = {
  all: (ws: string) => ["flows", ws] as const,
  list: (ws: string, archived: boolean, search: string) => ["flows", ws, "list", archived, search] as const,
  detail: (ws: string, id: string) => ["flows", ws, "detail", id] as const,
  versions: (ws: string, id: string) => ["flows", ws, "versions", id] as const,
  version: (ws: string, id: string, v: number) => ["flows", ws, "version", id, v] as const,
};

export function useFlowList(workspace_id: string, archived: boolean, search: string) {
  return useInfiniteQuery({
    queryKey: flowKeys.list(workspace_id, archived, search),
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/flows", {
          params: { path: { workspace_id }, query: { limit: 25, cursor: pageParam || undefined, archived, search: search || undefined } },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

export function useFlow(workspace_id: string, flow_id: string) {
  return useQuery({
    queryKey: flowKeys.detail(workspace_id, flow_id),
    queryFn: async () => unwrap(await api.GET(base, { params: { path: { workspace_id, flow_id } } })),
    // The builder owns the draft once loaded: refetching would not replace it anyway.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

export function useVersions(workspace_id: string, flow_id: string) {
  return useInfiniteQuery({
    queryKey: flowKeys.versions(workspace_id, flow_id),
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET(`${base}/versions`, {
          params: { path: { workspace_id, flow_id }, query: { limit: 25, cursor: pageParam || undefined } },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

export async function fetchVersion(workspace_id: string, flow_id: string, version: number) {
  return unwrap(await api.GET(`${base}/versions/{version}`, { params: { path: { workspace_id, flow_id, version } } }));
}

export function useVersion(workspace_id: string, flow_id: string, version: number | null) {
  return useQuery({
    queryKey: flowKeys.version(workspace_id, flow_id, version ?? 0),
    queryFn: () => fetchVersion(workspace_id, flow_id, version ?? 0),
    enabled: version !== null,
    staleTime: Infinity,
  });
}

export async function createFlow(workspace_id: string, name: string, graph: FlowGraph | null) {
  return unwrap(
    await api.POST("/api/v1/workspaces/{workspace_id}/flows", {
      params: { path: { workspace_id } },
      body: { name, graph: graph ?? undefined },
    }),
  );
}

export async function saveDraft(workspace_id: string, flow_id: string, graph: FlowGraph, signal?: AbortSignal) {
  return unwrap(await api.PUT(`${base}/draft`, { params: { path: { workspace_id, flow_id } }, body: { graph }, signal }));
}

export async function validateGraph(workspace_id: string, flow_id: string, graph: FlowGraph, signal?: AbortSignal) {
  return unwrap(await api.POST(`${base}/validate`, { params: { path: { workspace_id, flow_id } }, body: { graph }, signal }));
}

export async function publishFlow(workspace_id: string, flow_id: string, note: string) {
  return unwrap(await api.POST(`${base}/publish`, { params: { path: { workspace_id, flow_id } }, body: { note } }));
}

type FlowAction =
  | { kind: "archive" | "unarchive"; flow_id: string }
  | { kind: "rename"; flow_id: string; name: string }
  | { kind: "duplicate"; flow_id: string; name: string };

export function useFlowAction(workspace_id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (action: FlowAction) => {
      const path = { workspace_id, flow_id: action.flow_id };
      switch (action.kind) {
        case "archive":
          return unwrap(await api.POST(`${base}/archive`, { params: { path } }));
        case "unarchive":
          return unwrap(await api.POST(`${base}/unarchive`, { params: { path } }));
        case "rename":
          return unwrap(await api.PATCH(base, { params: { path }, body: { name: action.name } }));
        case "duplicate":
          return unwrap(await api.POST(`${base}/duplicate`, { params: { path }, body: { name: action.name } }));
      }
    },
    onSuccess: () => client.invalidateQueries({ queryKey: flowKeys.all(workspace_id) }),
  });
}
