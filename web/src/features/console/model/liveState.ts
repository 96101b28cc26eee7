import type { ExecutionSummary } from "../../../api/types";
import type { LiveEvent } from "../../../live/liveClient";

// What the live console knows of each execution: the REST page it loaded, patched by the live
// events that came after. Pure, so the rules (which event moves a contact, which ends a run)
// are tested apart from the socket and React.

export type ExecutionStatus = "running" | "waiting" | "completed" | "failed" | "cancelled";

export interface ConsoleExecution {
  execution_id: string;
  flow_id: string | null;
  flow_version: number | null;
  status: string;
  current_node: string | null;
  contact_id: string;
  /** the contact's name or phone, from ExecutionStarted's snapshot ("" when unknown) */
  contact_name: string;
  started_at: string | null;
  ended_at: string | null;
  failure_reason: string | null;
  waiting_for: string | null;
  /** the last event's wire name without the "exec." prefix, e.g. "NodeEntered" */
  last_event: string | null;
  last_event_at: string | null;
}

export type LiveExecutions = Record<string, ConsoleExecution>;

// The same rules as the flow-engine's executions read model (execution_read_model.py).
const WAITS: Record<string, string> = {
  WaitingForReply: "reply",
  DelayStarted: "delay",
  HandoverStarted: "handover",
  ExternalCallRequested: "external",
};
const RESUMES = new Set(["ReplyAccepted", "TimerElapsed", "HandoverReleased", "ExternalCallAnswered", "MovedToNode"]);
const ENDS: Record<string, ExecutionStatus> = {
  ExecutionCompleted: "completed",
  ExecutionFailed: "failed",
  ExecutionCancelled: "cancelled",
};
const ACTIVE = new Set(["running", "waiting"]);

export function shortType(type: string): string {
  return type.startsWith("exec.") ? type.slice(5) : type;
}

/** The event's payload, as stored (the envelope's `data`). */
export function eventData(event: LiveEvent): Record<string, unknown> {
  const data: unknown = event.event.data;
  return data && typeof data === "object" ? (data as Record<string, unknown>) : {};
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** The node an event happened on, when it names one. */
export function eventNode(event: LiveEvent): string | null {
  return text(eventData(event).node_id);
}

export function fromSummary(summary: ExecutionSummary): ConsoleExecution {
  return {
    execution_id: summary.execution_id,
    flow_id: summary.flow_id,
    flow_version: summary.flow_version,
    status: summary.status,
    current_node: summary.current_node || null,
    contact_id: summary.contact_id ?? "",
    contact_name: "",
    started_at: summary.started_at,
    ended_at: summary.ended_at,
    failure_reason: summary.failure_reason,
    waiting_for: summary.waiting_for,
    last_event: null,
    last_event_at: null,
  };
}

function blank(event: LiveEvent): ConsoleExecution {
  return {
    execution_id: event.execution_id,
    flow_id: event.flow_id,
    flow_version: null,
    status: "running",
    current_node: null,
    contact_id: "",
    contact_name: "",
    started_at: null,
    ended_at: null,
    failure_reason: null,
    waiting_for: null,
    last_event: null,
    last_event_at: null,
  };
}

/** One execution after a live event. */
export function applyEvent(previous: ConsoleExecution | undefined, event: LiveEvent): ConsoleExecution {
  const type = shortType(event.event.type);
  const data = eventData(event);
  const at = event.event.occurred_at ?? text(data.at) ?? null;
  const next: ConsoleExecution = { ...(previous ?? blank(event)), last_event: type, last_event_at: at };
  if (event.flow_id) next.flow_id = event.flow_id;
  if (type === "ExecutionStarted") {
    const contact = (data.contact ?? {}) as Record<string, unknown>;
    next.flow_version = typeof data.flow_version === "number" ? data.flow_version : next.flow_version;
    next.contact_id = text(contact.contact_id) ?? next.contact_id;
    next.contact_name = text(contact.name) ?? text(contact.phone) ?? next.contact_name;
    next.started_at = text(data.at) ?? at;
    next.status = "running";
  } else if (type === "NodeEntered" || type === "MovedToNode") {
    next.current_node = text(data.node_id) ?? next.current_node;
    next.status = "running";
    next.waiting_for = null;
  } else if (type in WAITS) {
    next.current_node = text(data.node_id) ?? next.current_node;
    next.status = "waiting";
    next.waiting_for = WAITS[type] ?? null;
  } else if (RESUMES.has(type)) {
    next.status = "running";
    next.waiting_for = null;
  } else if (type in ENDS) {
    next.status = ENDS[type] ?? next.status;
    next.waiting_for = null;
    next.ended_at = text(data.at) ?? at;
    next.current_node = text(data.node_id) ?? next.current_node;
    if (type === "ExecutionFailed") next.failure_reason = text(data.reason);
  }
  return next;
}

/**
 * The state after some live events. An execution the socket speaks of for the first time starts
 * from what the loaded page says of it (`known`), so an event that changes nothing keeps it.
 */
export function applyEvents(
  state: LiveExecutions,
  events: LiveEvent[],
  known: (executionId: string) => ConsoleExecution | undefined = () => undefined,
): LiveExecutions {
  if (events.length === 0) return state;
  const next = { ...state };
  for (const event of events) {
    const id = event.execution_id;
    next[id] = applyEvent(next[id] ?? known(id), event);
  }
  return next;
}

/**
 * The list shown: the loaded page patched by what the socket said since, plus executions the
 * socket announced that the page does not hold yet (the read model lags the events), newest first.
 */
export function mergeExecutions(loaded: ExecutionSummary[], live: LiveExecutions): ConsoleExecution[] {
  const seen = new Set<string>();
  const merged: ConsoleExecution[] = [];
  for (const summary of loaded) {
    if (seen.has(summary.execution_id)) continue;
    seen.add(summary.execution_id);
    merged.push(live[summary.execution_id] ?? fromSummary(summary));
  }
  const fresh = Object.values(live)
    .filter((e) => !seen.has(e.execution_id))
    .sort((a, b) => (b.started_at ?? b.last_event_at ?? "").localeCompare(a.started_at ?? a.last_event_at ?? ""));
  return [...fresh, ...merged];
}


export function isActive(execution: ConsoleExecution): boolean {
  return ACTIVE.has(execution.status);
}

/** node id → how many running or waiting contacts stand on it: what the canvas badges show. */
export function liveNodeCounts(executions: ConsoleExecution[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const execution of executions) {
    if (!isActive(execution) || !execution.current_node) continue;
    counts[execution.current_node] = (counts[execution.current_node] ?? 0) + 1;
  }
  return counts;
}

export function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
