import { describe, expect, it } from "vitest";

import { clampPosition, describeDivergence, nodeChanges, replayFrame, type TimelineStep } from "./replay";

const step = (index: number, event: string, node_id: string | null): TimelineStep => ({
  index,
  event: `exec.${event}`,
  node_id,
  at: "2026-01-01T00:00:00Z",
  detail: {},
});

// The log of the greeter flow: greet → ask → thanks → bye (node ids carried forward as the
// flow-engine's timeline does).
const STEPS = [
  step(1, "ExecutionStarted", null),
  step(2, "NodeEntered", "greet"),
  step(3, "MessageSendRequested", "greet"),
  step(4, "NodeEntered", "ask"),
  step(5, "WaitingForReply", "ask"),
  step(6, "MessageStatusRecorded", "ask"),
  step(7, "ReplyAccepted", "ask"),
  step(8, "NodeEntered", "thanks"),
  step(9, "MessageSendRequested", "thanks"),
  step(10, "NodeEntered", "bye"),
  step(11, "ExecutionCompleted", "bye"),
];

describe("replay frames", () => {
  it("shows the node about to be entered before the first one", () => {
    expect(replayFrame(STEPS, 0)).toEqual({ nodeId: "greet", path: ["greet"] });
  });

  it("gives the node and the path so far at each position", () => {
    expect(replayFrame(STEPS, 4)).toEqual({ nodeId: "ask", path: ["greet", "ask"] });
    expect(replayFrame(STEPS, 7)).toEqual({ nodeId: "thanks", path: ["greet", "ask", "thanks"] });
    expect(replayFrame(STEPS, 10)).toEqual({ nodeId: "bye", path: ["greet", "ask", "thanks", "bye"] });
  });

  it("clamps positions outside the log and handles an empty one", () => {
    expect(replayFrame(STEPS, 99).nodeId).toBe("bye");
    expect(clampPosition(STEPS, -3)).toBe(0);
    expect(replayFrame([], 0)).toEqual({ nodeId: null, path: [] });
  });

  it("knows where the run reaches another node", () => {
    expect(nodeChanges(STEPS)).toEqual([0, 3, 7, 9]);
  });
});

describe("divergence against a newer version", () => {
  const report = {
    version: 3,
    recorded_path: ["greet", "ask", "thanks", "bye"],
    replayed_path: ["greet", "ask", "offer", "bye"],
    diverges_at: 2 as number | null,
    recorded_status: "completed",
    replayed_status: "completed",
  };

  it("names the step and the nodes where the paths part", () => {
    const summary = describeDivergence(report);
    expect(summary.same).toBe(false);
    expect(summary.message).toContain("step 3");
    expect(summary.message).toContain("offer");
  });

  it("says so when the newer version does the same", () => {
    expect(describeDivergence({ ...report, diverges_at: null, replayed_path: report.recorded_path }).same).toBe(true);
  });

  it("reports a different ending on the same path", () => {
    const summary = describeDivergence({ ...report, diverges_at: null, replayed_status: "failed" });
    expect(summary).toMatchObject({ same: false });
    expect(summary.message).toContain("ends failed");
  });
});
