import { useEffect, useMemo, useRef, useState } from "react";

import type { LiveEvent } from "../../live/liveClient";
import { useLiveEvents } from "../../live/useLiveEvents";
import { useCanvasOverlay } from "../../state/canvasOverlay";
import { useFlowExecutions } from "./api";
import { applyEvents, eventNode, fromSummary, liveNodeCounts, mergeExecutions, sameCounts, type LiveExecutions } from "./model/liveState";

const FLASH_MS = 1_500;
const NONE: LiveExecutions = {};

/**
 * A flow's executions as they happen: the REST pages, kept current by the live socket, and the
 * canvas overlay that follows them (contacts per node, a pulse on the node of the last event).
 */
export function useFlowConsole(workspaceId: string, flowId: string, onEvent?: (event: LiveEvent) => void) {
  const pages = useFlowExecutions(workspaceId, flowId);
  const loaded = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? [], [pages.data]);
  const loadedRef = useRef(loaded);
  useEffect(() => {
    loadedRef.current = loaded;
  }, [loaded]);

  // Keyed by flow, so another flow's panel starts from nothing without an effect resetting it.
  const [live, setLive] = useState<{ flowId: string; executions: LiveExecutions }>({ flowId, executions: {} });
  const liveExecutions = live.flowId === flowId ? live.executions : NONE;
  const flashTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useLiveEvents({ workspace_id: workspaceId, flow_id: flowId }, (event) => {
    setLive((previous) => {
      const base = previous.flowId === flowId ? previous.executions : {};
      const known = (id: string) => {
        const summary = loadedRef.current.find((s) => s.execution_id === id);
        return summary && fromSummary(summary);
      };
      return { flowId, executions: applyEvents(base, [event], known) };
    });
    const node = eventNode(event);
    if (node) {
      const overlay = useCanvasOverlay.getState();
      overlay.flash(node);
      if (flashTimer.current) clearTimeout(flashTimer.current);
      flashTimer.current = setTimeout(() => {
        if (useCanvasOverlay.getState().flashNode === node) useCanvasOverlay.getState().flash(null);
      }, FLASH_MS);
    }
    onEvent?.(event);
  });

  const executions = useMemo(() => mergeExecutions(loaded, liveExecutions), [loaded, liveExecutions]);

  useEffect(() => {
    const counts = liveNodeCounts(executions);
    const overlay = useCanvasOverlay.getState();
    if (!sameCounts(counts, overlay.liveNodes)) overlay.setLiveNodes(counts);
  }, [executions]);

  // The canvas shows nothing live once the console is gone.
  useEffect(
    () => () => {
      if (flashTimer.current) clearTimeout(flashTimer.current);
      const overlay = useCanvasOverlay.getState();
      overlay.setLiveNodes({});
      overlay.flash(null);
    },
    [flowId],
  );

  return { pages, executions };
}
