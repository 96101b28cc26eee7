import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/problems";
import { isRunning, startBody, type StartValues } from "./model";

// Jobs move while they run: the list and a job's page poll every second while one runs (the
// live socket carries executions only).

export const leadKeys = {
  all: (ws: string) => ["leads", ws] as const,
  sources: (ws: string) => ["leads", ws, "sources"] as const,
  jobs: (ws: string) => ["leads", ws, "jobs"] as const,
  job: (ws: string, id: string) => ["leads", ws, "job", id] as const,
};

const POLL_MS = 1000;

export function useSources(ws: string) {
  return useQuery({
    queryKey: leadKeys.sources(ws),
    queryFn: async () => unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/lead-sources", { params: { path: { workspace_id: ws } } })).sources,
    staleTime: 60_000,
  });
}

export function useJobs(ws: string) {
  return useInfiniteQuery({
    queryKey: leadKeys.jobs(ws),
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/lead-jobs", { params: { path: { workspace_id: ws }, query: { limit: 25, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.items.some(isRunning)) ? POLL_MS : false),
  });
}

/** A job and its leads, a page of 50 at a time (each page carries the job as it now is). */
export function useJob(ws: string, jobId: string) {
  return useInfiniteQuery({
    queryKey: leadKeys.job(ws, jobId),
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/lead-jobs/{job_id}", {
          params: { path: { workspace_id: ws, job_id: jobId }, query: { leads_limit: 50, leads_cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.next_leads_cursor ?? undefined,
    // A job started a moment ago may not be in the read model yet.
    retry: (count, error) => count < 8 && (!(error instanceof ApiError) || error.status === 404 || error.status >= 500),
    retryDelay: 500,
    refetchInterval: (query) => {
      const first = query.state.data?.pages[0];
      return first && isRunning(first.job) ? POLL_MS : false;
    },
  });
}

export function useStartJob(ws: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (v: StartValues) =>
      unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/lead-jobs", { params: { path: { workspace_id: ws } }, body: startBody(v) })),
    onSuccess: () => client.invalidateQueries({ queryKey: leadKeys.jobs(ws) }),
  });
}

export function useCancelJob(ws: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (jobId: string) =>
      unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/lead-jobs/{job_id}/cancel", { params: { path: { workspace_id: ws, job_id: jobId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: leadKeys.all(ws) }),
  });
}
