import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { ApiError } from "../../api/problems";
import { request, workspacePath } from "../knowledge/http";
import { isRunning, startBody, type Job, type JobDetail, type SourceView, type StartValues } from "./model";

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
    queryFn: async () => (await request<{ sources: SourceView[] }>("GET", workspacePath(ws, "/lead-sources"))).sources,
    staleTime: 60_000,
  });
}

export function useJobs(ws: string) {
  return useInfiniteQuery({
    queryKey: leadKeys.jobs(ws),
    initialPageParam: "",
    queryFn: ({ pageParam }) =>
      request<{ items: Job[]; next_cursor?: string | null }>("GET", `${workspacePath(ws, "/lead-jobs")}?${new URLSearchParams({ limit: "25", cursor: pageParam })}`),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.items.some(isRunning)) ? POLL_MS : false),
  });
}

/** A job and its leads, a page of 50 at a time (each page carries the job as it now is). */
export function useJob(ws: string, jobId: string) {
  return useInfiniteQuery({
    queryKey: leadKeys.job(ws, jobId),
    initialPageParam: "",
    queryFn: ({ pageParam }) =>
      request<JobDetail>("GET", `${workspacePath(ws, `/lead-jobs/${encodeURIComponent(jobId)}`)}?${new URLSearchParams({ leads_limit: "50", leads_cursor: pageParam })}`),
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
    mutationFn: (v: StartValues) => request<Job | { job: Job }>("POST", workspacePath(ws, "/lead-jobs"), startBody(v)),
    onSuccess: () => client.invalidateQueries({ queryKey: leadKeys.jobs(ws) }),
  });
}

export function useCancelJob(ws: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (jobId: string) => request<unknown>("POST", workspacePath(ws, `/lead-jobs/${encodeURIComponent(jobId)}/cancel`)),
    onSuccess: () => client.invalidateQueries({ queryKey: leadKeys.all(ws) }),
  });
}

/** The job a start answered with, whether the gateway answers the job or `{job}`. */
export function startedJob(answer: Job | { job: Job } | undefined): Job | null {
  if (!answer) return null;
  return "job" in answer && typeof answer.job === "object" ? answer.job : "job_id" in answer ? answer : null;
}
