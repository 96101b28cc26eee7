import { useEffect, useRef, useState } from "react";

import { live, type LiveEvent, type LiveFilter, type LiveStatus } from "./liveClient";

/** Call `handler` for every live execution event matching the filter while mounted. */
export function useLiveEvents(filter: LiveFilter | null, handler: (event: LiveEvent) => void): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  const workspace = filter?.workspace_id;
  const flow = filter?.flow_id ?? null;
  const execution = filter?.execution_id ?? null;
  useEffect(() => {
    if (!workspace) return;
    return live.subscribe({ workspace_id: workspace, flow_id: flow, execution_id: execution }, (e) =>
      latest.current(e),
    );
  }, [workspace, flow, execution]);
}

export function useLiveStatus(): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>(live.status);
  useEffect(() => live.onStatus(setStatus), []);
  return status;
}
