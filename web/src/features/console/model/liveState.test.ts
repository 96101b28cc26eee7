import { describe, expect, it } from "vitest";

import type { ExecutionSummary } from "../../../api/types";
import type { LiveEvent } from "../../../live/liveClient";
import { applyEvents, fromSummary, liveNodeCounts, mergeExecutions, sameCounts } from "./liveState";

let seq = 0;
function live(execution_id: string, type: string, data: Record<string, unknown> = {}): LiveEvent {
  seq += 1;
  return {
    seq,
    position: 0,
    execution_id,
    flow_id: "f1",
    event: {
      event_id: `ev-${seq}`,
      type: `exec.${type}`,
      schema_version: 1,
      workspace_id: "ws",
      correlation_id: "c",
      data,
      occurred_at: `2026-01-01T00:00:${String(seq).padStart(2, "0")}Z`,
    },
  };
}

const summary = (over: Partial<ExecutionSummary>): ExecutionSummary => ({
  execution_id: "e0",
  flow_id: "f1",
  flow_version: 1,
  status: "waiting",
  current_node: "ask",
  waiting_for: "reply",
  waiting_since: null,
  started_at: "2025-12-31T00:00:00Z",
  ended_at: null,
  failure_reason: null,
  contact_id: "c-0",
  trigger: "keyword",
  ...over,
});

describe("live executions", () => {
  it("follows a run from start to end through the events that move it", () => {
    let state = applyEvents({}, [
      live("e1", "ExecutionStarted", { flow_version: 2, contact: { contact_id: "c-1" }, at: "2026-01-01T00:00:00Z" }),
      live("e1", "NodeEntered", { node_id: "greet", step: 1 }),
      live("e1", "MessageSendRequested", { node_id: "greet" }),
      live("e1", "NodeEntered", { node_id: "ask", step: 2 }),
      live("e1", "WaitingForReply", { node_id: "ask" }),
    ]);
    expect(state.e1).toMatchObject({ status: "waiting", current_node: "ask", contact_id: "c-1", flow_version: 2, waiting_for: "reply", last_event: "WaitingForReply" });
    state = applyEvents(state, [live("e1", "ReplyAccepted", { node_id: "ask", text: "Grace" })]);
    expect(state.e1).toMatchObject({ status: "running", waiting_for: null });
    state = applyEvents(state, [live("e1", "ExecutionCompleted", { node_id: "bye", at: "2026-01-01T00:01:00Z" })]);
    expect(state.e1).toMatchObject({ status: "completed", current_node: "bye", ended_at: "2026-01-01T00:01:00Z" });
  });

  it("records why a run failed", () => {
    const state = applyEvents({}, [live("e2", "ExecutionFailed", { node_id: "call", reason: "boom" })]);
    expect(state.e2).toMatchObject({ status: "failed", failure_reason: "boom", current_node: "call" });
  });

  it("starts a loaded execution from its page entry, so a status-only event keeps it waiting", () => {
    const loaded = [summary({})];
    const state = applyEvents({}, [live("e0", "MessageStatusRecorded", { status: "read" })], (id) =>
      id === "e0" ? fromSummary(loaded[0]!) : undefined,
    );
    expect(mergeExecutions(loaded, state)[0]).toMatchObject({ status: "waiting", current_node: "ask", last_event: "MessageStatusRecorded" });
  });

  it("lists executions the page does not hold yet first, newest first", () => {
    const state = applyEvents({}, [
      live("old", "ExecutionStarted", { at: "2026-01-01T00:00:00Z" }),
      live("new", "ExecutionStarted", { at: "2026-01-02T00:00:00Z" }),
    ]);
    const ids = mergeExecutions([summary({}), summary({})], state).map((e) => e.execution_id);
    expect(ids).toEqual(["new", "old", "e0"]);
  });

  it("counts the running and waiting contacts on each node, not the finished ones", () => {
    const executions = mergeExecutions(
      [
        summary({ execution_id: "a" }),
        summary({ execution_id: "b" }),
        summary({ execution_id: "c", status: "running", current_node: "greet" }),
        summary({ execution_id: "d", status: "completed", current_node: "bye" }),
        summary({ execution_id: "e", status: "running", current_node: "" }),
      ],
      {},
    );
    const counts = liveNodeCounts(executions);
    expect(counts).toEqual({ ask: 2, greet: 1 });
    expect(sameCounts(counts, { greet: 1, ask: 2 })).toBe(true);
    expect(sameCounts(counts, { ask: 2 })).toBe(false);
  });
});
