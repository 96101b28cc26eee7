import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";

import { api, unwrap } from "../../api/client";
import { useLiveEvents } from "../../live/useLiveEvents";

// The dashboard's figures, kept fresh: a refetch every 5 s, and sooner when an execution moves
// (live events arrive in bursts, so at most one refetch per LIVE_THROTTLE_MS).

const REFRESH_MS = 5_000;
const LIVE_THROTTLE_MS = 1_500;

export function dashboardKey(workspaceId: string, hours: number) {
  return ["dashboard", workspaceId, hours] as const;
}

export function useDashboard(workspaceId: string, hours: number) {
  const query = useQuery({
    queryKey: dashboardKey(workspaceId, hours),
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/dashboard", {
          params: { path: { workspace_id: workspaceId }, query: { hours } },
          signal,
        }),
      ),
    refetchInterval: REFRESH_MS,
    // Switching the period keeps the old figures on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });

  const queryClient = useQueryClient();
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onLive = useCallback(() => {
    if (pending.current) return;
    const wait = Math.max(0, last.current + LIVE_THROTTLE_MS - Date.now());
    pending.current = setTimeout(() => {
      pending.current = null;
      last.current = Date.now();
      void queryClient.invalidateQueries({ queryKey: ["dashboard", workspaceId] });
    }, wait);
  }, [queryClient, workspaceId]);
  useLiveEvents({ workspace_id: workspaceId }, onLive);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
      pending.current = null;
    },
    [workspaceId],
  );

  return query;
}
