import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/problems";
import type { Campaign } from "./model";

export const campaignKeys = {
  all: (ws: string) => ["campaigns", ws] as const,
  one: (ws: string, id: string) => ["campaigns", ws, "one", id] as const,
};

const LIVE: Campaign["status"][] = ["running", "scheduled"];

/** A campaign, polled every 2 s while it runs (and while a schedule may start it). */
export function useCampaign(ws: string, campaignId: string) {
  return useQuery({
    queryKey: campaignKeys.one(ws, campaignId),
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/campaigns/{campaign_id}", { params: { path: { workspace_id: ws, campaign_id: campaignId } } })),
    // A campaign created a moment ago may not be in the read model yet.
    retry: (count, error) => count < 8 && (!(error instanceof ApiError) || error.status === 404 || error.status >= 500),
    retryDelay: 500,
    refetchInterval: (query) => (query.state.data && LIVE.includes(query.state.data.status) ? 2000 : false),
  });
}

export function useChannels(ws: string) {
  return useQuery({
    queryKey: ["channels", ws],
    queryFn: async () => unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/channels", { params: { path: { workspace_id: ws } } })).channels,
  });
}

export function useFlowsForCampaigns(ws: string, enabled: boolean) {
  return useQuery({
    queryKey: ["flows", ws, "for-campaigns"],
    enabled,
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/flows", { params: { path: { workspace_id: ws }, query: { limit: 100 } } })).items.filter((f) => !f.archived),
  });
}
