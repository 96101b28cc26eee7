import type { components } from "../../../api/schema";

// What a sandbox message looks like on the phone. Outbound messages are the bot's, stored as
// the Cloud API body it sent (text, media, interactive buttons or list, template); inbound are
// the customer's, stored as {type, text, reply_id}. Pure, so rendering rules are tested alone.

export type SandboxMessage = components["schemas"]["SandboxMessage"];
export type CustomerMessage = components["schemas"]["CustomerMessage"];

export interface ReplyChoice {
  id: string;
  title: string;
  description?: string;
}

export interface ListSection {
  title: string;
  rows: ReplyChoice[];
}

export type Bubble =
  | { kind: "text"; text: string }
  | { kind: "buttons"; header: string; text: string; footer: string; buttons: ReplyChoice[] }
  | { kind: "list"; header: string; text: string; footer: string; button: string; sections: ListSection[] }
  | { kind: "media"; mediaType: string; url: string; caption: string; filename: string }
  | { kind: "template"; name: string; language: string; parameters: string[] }
  | { kind: "reply"; text: string; replyKind: "button" | "list" }
  | { kind: "unknown"; raw: Record<string, unknown> };

export type Ticks = "none" | "sent" | "delivered" | "read" | "failed";

export interface MessageModel {
  id: string;
  mine: boolean; // the customer's own message (the user plays the customer)
  at: string;
  ticks: Ticks;
  bubble: Bubble;
}

type Dict = Record<string, unknown>;
const dict = (v: unknown): Dict => (v && typeof v === "object" && !Array.isArray(v) ? (v as Dict) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const MEDIA = new Set(["image", "video", "audio", "document", "sticker"]);

function choices(rows: unknown): ReplyChoice[] {
  return (Array.isArray(rows) ? rows : []).map((r) => {
    const row = dict(r);
    const reply = dict(row.reply);
    const choice: ReplyChoice = { id: str(reply.id ?? row.id) || str(row.id), title: str(reply.title) || str(row.title) };
    if (str(row.description)) choice.description = str(row.description);
    return choice;
  });
}

function interactive(content: Dict): Bubble {
  const it = dict(content.interactive);
  const header = str(dict(it.header).text);
  const text = str(dict(it.body).text);
  const footer = str(dict(it.footer).text);
  const action = dict(it.action);
  if (it.type === "button") return { kind: "buttons", header, text, footer, buttons: choices(action.buttons) };
  if (it.type === "list") {
    const sections = (Array.isArray(action.sections) ? action.sections : []).map((s) => ({
      title: str(dict(s).title),
      rows: choices(dict(s).rows),
    }));
    return { kind: "list", header, text, footer, button: str(action.button) || "Choose", sections };
  }
  return { kind: "unknown", raw: content };
}

function template(content: Dict): Bubble {
  const t = dict(content.template);
  const components = Array.isArray(t.components) ? t.components : [];
  const parameters = components.flatMap((c) =>
    (Array.isArray(dict(c).parameters) ? (dict(c).parameters as unknown[]) : []).map((p) => str(dict(p).text)),
  );
  return { kind: "template", name: str(t.name), language: str(dict(t.language).code), parameters };
}

export function bubbleOf(message: Pick<SandboxMessage, "direction" | "content">): Bubble {
  const content = message.content;
  const type = str(content.type);
  if (message.direction === "inbound") {
    if (type === "button" || type === "list") return { kind: "reply", text: str(content.text), replyKind: type };
    return { kind: "text", text: str(content.text) || str(dict(content.text).body) };
  }
  if (type === "text") return { kind: "text", text: str(dict(content.text).body) };
  if (type === "interactive") return interactive(content);
  if (type === "template") return template(content);
  if (MEDIA.has(type)) {
    const media = dict(content[type]);
    return { kind: "media", mediaType: type, url: str(media.link), caption: str(media.caption), filename: str(media.filename) };
  }
  return { kind: "unknown", raw: content };
}

export function ticksOf(status: string | undefined): Ticks {
  return status === "sent" || status === "delivered" || status === "read" || status === "failed" ? status : "none";
}

export function messageModel(message: SandboxMessage): MessageModel {
  return {
    id: message.message_id,
    mine: message.direction === "inbound",
    at: message.at,
    ticks: ticksOf(message.status),
    bubble: bubbleOf(message),
  };
}

/** What tapping a reply button or list row sends, as the sandbox API wants it. */
export interface Customer {
  phone: string;
  /** the WhatsApp profile name flows see as {{contact.name}} */
  name: string;
}

export const DEFAULT_PROFILE_NAME = "Sandbox customer";

function profile(customer: Customer): string {
  return customer.name.trim().slice(0, 256) || DEFAULT_PROFILE_NAME;
}

export function replyMessage(customer: Customer, kind: "button" | "list", choice: ReplyChoice): CustomerMessage {
  return { phone: customer.phone, profile_name: profile(customer), message_type: kind, text: choice.title || choice.id, reply_id: choice.id };
}

export function textMessage(customer: Customer, text: string): CustomerMessage {
  return { phone: customer.phone, profile_name: profile(customer), message_type: "text", text, reply_id: "" };
}

export const DEFAULT_CUSTOMER_PHONE = "+15550001234";
const E164 = /^\+[1-9][0-9]{6,14}$/;

/** Why a customer phone is not usable, or null when it is (E.164: +, country code, number). */
export function phoneProblem(phone: string): string | null {
  const trimmed = phone.trim();
  if (!trimmed) return "Customer phone: required";
  if (!E164.test(trimmed)) return "Customer phone: must be in E.164 form, e.g. +15550001234 (a +, then 7 to 15 digits)";
  return null;
}

/** Messages oldest first, without repeats (pages of a conversation may overlap on refetch). */
export function mergeMessages(pages: SandboxMessage[][]): SandboxMessage[] {
  const byId = new Map<string, SandboxMessage>();
  for (const page of pages) for (const m of page) byId.set(m.message_id, m);
  return [...byId.values()].sort((a, b) => a.position - b.position);
}
