import type { components } from "../../../api/schema";

// The replay scrubber's positions: one per event of the execution's log. At each position the
// canvas shows the node the execution stood on and the path it took to get there.

export type TimelineStep = components["schemas"]["TimelineStep"];
export type DivergenceReport = components["schemas"]["DivergenceReport"];

export interface ReplayFrame {
  /** the node to highlight; before the first node is entered, the one about to be */
  nodeId: string | null;
  /** nodes entered up to this position, in order, ending with nodeId */
  path: string[];
}

const ENTERS = new Set(["exec.NodeEntered", "exec.MovedToNode"]);

export function clampPosition(steps: readonly TimelineStep[], position: number): number {
  if (steps.length === 0) return 0;
  return Math.max(0, Math.min(steps.length - 1, Math.round(position)));
}

export function replayFrame(steps: readonly TimelineStep[], position: number): ReplayFrame {
  if (steps.length === 0) return { nodeId: null, path: [] };
  const at = clampPosition(steps, position);
  const path: string[] = [];
  for (const step of steps.slice(0, at + 1)) {
    if (ENTERS.has(step.event) && step.node_id && path[path.length - 1] !== step.node_id) {
      path.push(step.node_id);
    }
  }
  let nodeId = steps[at]?.node_id ?? null;
  // ExecutionStarted names no node yet: show the one the run is about to enter.
  for (let i = at + 1; !nodeId && i < steps.length; i++) nodeId = steps[i]?.node_id ?? null;
  if (nodeId && path[path.length - 1] !== nodeId) path.push(nodeId);
  return { nodeId, path };
}

/** The positions where the execution reaches another node: what "next node" jumps between. */
export function nodeChanges(steps: readonly TimelineStep[]): number[] {
  const positions: number[] = [];
  let previous: string | null = null;
  steps.forEach((_, position) => {
    const { nodeId } = replayFrame(steps, position);
    if (nodeId !== previous) positions.push(position);
    previous = nodeId;
  });
  return positions;
}

export interface DivergenceSummary {
  same: boolean;
  message: string;
}

/** In words: would the newer version have taken this execution down the same path? */
export function describeDivergence(report: DivergenceReport): DivergenceSummary {
  const statusSame = report.recorded_status === report.replayed_status;
  if (report.diverges_at === null && statusSame) {
    return { same: true, message: `Version ${report.version} would take the same path.` };
  }
  if (report.diverges_at === null) {
    return {
      same: false,
      message: `Version ${report.version} takes the same path but ends ${report.replayed_status} instead of ${report.recorded_status}.`,
    };
  }
  const i = report.diverges_at;
  const recorded = report.recorded_path[i] ?? "(the end)";
  const replayed = report.replayed_path[i] ?? "(the end)";
  return {
    same: false,
    message: `Version ${report.version} diverges at step ${i + 1}: it goes to ${replayed} where this run went to ${recorded}; it would end ${report.replayed_status} (this run: ${report.recorded_status}).`,
  };
}
