import { shortType } from "./liveState";
import type { TimelineStep } from "./replay";

// How the timeline shows one event of the log: a title, a tone, and the parts worth reading
// (the message sent, the reply, an AI answer with its sources, an HTTP exchange). Pure.

export type Tone = "gray" | "blue" | "green" | "orange" | "red" | "violet";

export interface Source {
  title: string;
  documentId: string;
  snippet: string;
}

export interface HttpRequestView {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface HttpResponseView {
  status: number | null;
  headers: Record<string, string>;
  body: string;
  error: string;
}

export type StepBody =
  | { kind: "none" }
  | { kind: "text"; text: string }
  | { kind: "message"; text: string; choices: string[] }
  | { kind: "ai_question"; question: string; knowledgeBase: string }
  | { kind: "ai_answer"; answer: string; sources: Source[]; error: string }
  | { kind: "http_request"; request: HttpRequestView }
  | { kind: "http_response"; response: HttpResponseView }
  | { kind: "data"; data: Record<string, unknown> };

export interface StepView {
  title: string;
  tone: Tone;
  failed: boolean;
  body: StepBody;
  /** the node the event is about when not the one the run stands on (a late message status) */
  about?: string;
}

type Dict = Record<string, unknown>;
const dict = (v: unknown): Dict => (v && typeof v === "object" && !Array.isArray(v) ? (v as Dict) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : v == null ? "" : String(v));
const strings = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(dict(v)).map(([k, x]) => [k, str(x)]));

export function pretty(value: unknown): string {
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return value === undefined || value === null ? "" : JSON.stringify(value, null, 2);
}

/** A flow node's message content (`{kind, body, ...}`) in a line, with its buttons or rows. */
export function messagePreview(message: unknown): { text: string; choices: string[] } {
  const m = dict(message);
  switch (m.kind) {
    case "buttons":
      return { text: str(m.body), choices: (m.buttons as Dict[] | undefined)?.map((b) => str(b.title)) ?? [] };
    case "list": {
      const rows = ((m.sections as Dict[] | undefined) ?? []).flatMap((s) => (s.rows as Dict[] | undefined) ?? []);
      return { text: str(m.body), choices: rows.map((r) => str(r.title)) };
    }
    case "media":
      return { text: `${str(m.media_type) || "media"}: ${str(m.caption) || str(m.url)}`, choices: [] };
    case "template":
      return { text: `template ${str(m.name)} (${str(m.language)})`, choices: [] };
    default:
      return { text: str(m.body ?? m.text), choices: [] };
  }
}

function sources(value: unknown): Source[] {
  if (!Array.isArray(value)) return [];
  return value.map((s) =>
    typeof s === "string"
      ? { title: s, documentId: s, snippet: "" }
      : { title: str(dict(s).title) || str(dict(s).document_id), documentId: str(dict(s).document_id), snippet: str(dict(s).snippet) },
  );
}

/** What later events refer back to: calls by request_id ("http" | "ai"), messages by command_id. */
export interface StepContext {
  calls: Map<string, string>;
  messages: Map<string, { text: string; node: string }>;
}

export function stepContext(steps: readonly TimelineStep[]): StepContext {
  const context: StepContext = { calls: new Map(), messages: new Map() };
  for (const step of steps) {
    if (step.event === "exec.ExternalCallRequested") context.calls.set(str(step.detail.request_id), str(step.detail.call));
    if (step.event === "exec.MessageSendRequested") context.messages.set(str(step.detail.command_id), { text: messagePreview(step.detail.message).text, node: str(step.node_id) });
  }
  return context;
}

const EMPTY_CONTEXT: StepContext = { calls: new Map(), messages: new Map() };

function quote(text: string): string {
  return text.length > 60 ? `“${text.slice(0, 57)}…”` : `“${text}”`;
}

function when(iso: unknown): string {
  const date = new Date(str(iso));
  return Number.isNaN(date.getTime()) ? str(iso) : date.toLocaleString();
}

/** A readable name for an event type ("exec.NodeEntered" → "Entered node"). */
export function eventTitle(type: string): string {
  const short = shortType(type);
  return TITLES[short] ?? short;
}

const TITLES: Record<string, string> = {
  ExecutionStarted: "Started",
  NodeEntered: "Entered node",
  MessageSendRequested: "Message sent",
  ConditionEvaluated: "Condition evaluated",
  VariableAssigned: "Variable set",
  ContactUpdateRequested: "Contact updated",
  BranchChosen: "A/B branch chosen",
  WaitingForReply: "Waiting for a reply",
  ReplyAccepted: "Reply received",
  ReplyRejected: "Reply rejected",
  DelayStarted: "Delay started",
  TimerElapsed: "Timer elapsed",
  HandoverStarted: "Handed over to a person",
  HandoverReleased: "Handover released",
  ExternalCallFailed: "Call failed",
  MessageStatusRecorded: "Message status",
  FlowJumpRequested: "Jumped to another flow",
  MovedToNode: "Moved by an operator",
  ExecutionCompleted: "Completed",
  ExecutionFailed: "Failed",
  ExecutionCancelled: "Cancelled",
};

export function describeStep(step: TimelineStep, context: StepContext = EMPTY_CONTEXT): StepView {
  const kinds = context.calls;
  const type = shortType(step.event);
  const d = step.detail;
  const view: StepView = { title: TITLES[type] ?? type, tone: "gray", failed: false, body: { kind: "none" } };
  switch (type) {
    case "ExecutionStarted": {
      const contact = dict(d.contact);
      const who = str(contact.name) || str(contact.phone) || str(contact.contact_id);
      return { ...view, tone: "blue", body: { kind: "text", text: `${who} · trigger: ${str(d.trigger) || "—"}` } };
    }
    case "NodeEntered":
      return { ...view, tone: "blue" };
    case "MovedToNode":
      return { ...view, tone: "blue", body: d.by ? { kind: "text", text: `by ${str(d.by)}` } : { kind: "none" } };
    case "WaitingForReply":
      return { ...view, body: { kind: "text", text: `gives up at ${when(d.timeout_at)}` } };
    case "DelayStarted":
      return { ...view, body: { kind: "text", text: `until ${when(d.until)}` } };
    case "TimerElapsed":
      return view;
    case "MessageSendRequested":
      return { ...view, tone: "green", body: { kind: "message", ...messagePreview(d.message) } };
    case "ReplyAccepted":
      return { ...view, tone: "green", body: { kind: "message", text: str(d.text), choices: d.button_id ? [`button ${str(d.button_id)}`] : [] } };
    case "ReplyRejected":
      return { ...view, tone: "orange", body: { kind: "text", text: `"${str(d.text)}": ${str(d.reason)} (attempt ${str(d.attempt)})` } };
    case "ConditionEvaluated":
      return { ...view, body: { kind: "text", text: d.result ? "true" : "false" } };
    case "VariableAssigned":
      return { ...view, body: { kind: "text", text: `${str(d.name)} = ${pretty(d.value)}` } };
    case "BranchChosen":
      return { ...view, body: { kind: "text", text: `port ${str(d.port)} (bucket ${str(d.bucket)})` } };
    case "ExternalCallRequested": {
      const request = dict(d.request);
      const attempt = Number(d.attempt ?? 1) > 1 ? ` (attempt ${str(d.attempt)})` : "";
      if (d.call === "ai") {
        return { ...view, title: `AI question${attempt}`, tone: "violet", body: { kind: "ai_question", question: str(request.question), knowledgeBase: str(request.knowledge_base_id) } };
      }
      return {
        ...view,
        title: `HTTP request${attempt}`,
        tone: "violet",
        body: { kind: "http_request", request: { method: str(request.method) || "GET", url: str(request.url), headers: strings(request.headers), body: str(request.body) } },
      };
    }
    case "ExternalCallAnswered": {
      const result = dict(d.result);
      const failed = d.port === "error";
      const tone: Tone = failed ? "red" : "violet";
      if (kinds.get(str(d.request_id)) === "ai" || "answer" in result) {
        return { ...view, title: failed ? "AI answer failed" : "AI answer", tone, failed, body: { kind: "ai_answer", answer: str(result.answer), sources: sources(result.sources), error: str(result.error) } };
      }
      const status = typeof result.status === "number" ? result.status : null;
      const body = result.json !== undefined && result.json !== null ? pretty(result.json) : pretty(result.text);
      return { ...view, title: failed ? "HTTP call failed" : "HTTP response", tone, failed, body: { kind: "http_response", response: { status, headers: strings(result.headers), body, error: str(result.error) } } };
    }
    case "ExternalCallFailed":
      return { ...view, tone: "red", failed: true, body: { kind: "text", text: `${str(d.error)}${d.timed_out ? " (timed out)" : ""}; retrying at ${str(d.retry_at)}` } };
    case "MessageStatusRecorded": {
      const failed = d.status === "failed";
      const message = context.messages.get(str(d.command_id));
      const why = failed ? [str(d.code), str(d.reason)].filter(Boolean).join(" ") : "";
      const text = [message === undefined ? "" : quote(message.text), why].filter(Boolean).join(": ");
      const status: StepView = { ...view, title: `Status: ${str(d.status)}`, tone: failed ? "red" : "gray", failed, body: text ? { kind: "text", text } : { kind: "none" } };
      if (message?.node) status.about = message.node;
      return status;
    }
    case "ExecutionFailed":
      return { ...view, tone: "red", failed: true, body: { kind: "text", text: str(d.reason) } };
    case "ExecutionCompleted":
      return { ...view, tone: "green" };
    case "ExecutionCancelled":
      return { ...view, tone: "orange", body: { kind: "text", text: [str(d.reason), d.by ? `by ${str(d.by)}` : ""].filter(Boolean).join(" ") } };
    case "HandoverStarted":
      return { ...view, tone: "orange", body: d.note ? { kind: "text", text: str(d.note) } : { kind: "none" } };
    case "FlowJumpRequested":
      return { ...view, body: { kind: "text", text: str(d.target_flow) } };
    default: {
      const data = Object.fromEntries(Object.entries(d).filter(([k]) => !["command_id", "timer_id", "step"].includes(k)));
      return { ...view, body: Object.keys(data).length ? { kind: "data", data } : { kind: "none" } };
    }
  }
}
