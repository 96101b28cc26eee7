import { buildFilter, filtersFromSegment, type ContactFilters } from "../contacts/filters";
import type { Campaign, CampaignDefinition } from "./model";

// The wizard's state, and the campaign definition (the API's shape) it stands for.

/** Where a template parameter's value comes from: a contact attribute or field, or fixed text. */
export interface ParameterSource {
  source: string; // "name" | "phone" | "language" | "field:<key>" | "text"
  text: string; // the fixed text, for source "text"
  fallback: string; // used when the contact has no value ("" = none: such recipients block)
}

export interface WizardState {
  name: string;
  channelId: string;
  audience: "segment" | "filter";
  segmentId: string;
  filters: ContactFilters;
  includeWithoutOptIn: boolean;
  kind: "template" | "flow";
  templateName: string;
  templateLanguage: string;
  parameters: ParameterSource[];
  flowId: string;
  when: "now" | "later";
  sendAt: string; // a datetime-local value, in the browser's time zone
  maxPerSecond: number;
}

export const NEW_WIZARD: WizardState = {
  name: "",
  channelId: "",
  audience: "filter",
  segmentId: "",
  filters: { search: "", tags: [], stages: [], consent: "" },
  includeWithoutOptIn: false,
  kind: "template",
  templateName: "",
  templateLanguage: "en_US",
  parameters: [],
  flowId: "",
  when: "now",
  sendAt: "",
  maxPerSecond: 0,
};

// The engine takes a default as written between its edge quotes (no escapes); braces would end
// the placeholder, so they are left out.
function quoted(text: string): string {
  return `"${text.replace(/[{}]/g, "")}"`;
}

/** The template expression of one parameter: `{{contact.name | "there"}}`, or the fixed text. */
export function parameterExpression(p: ParameterSource): string {
  if (p.source === "text") return p.text;
  const path = p.source.startsWith("field:") ? `contact.fields.${p.source.slice(6)}` : `contact.${p.source}`;
  return p.fallback.trim() ? `{{${path} | ${quoted(p.fallback.trim())}}}` : `{{${path}}}`;
}

export function toDefinition(s: WizardState): CampaignDefinition {
  return {
    name: s.name.trim(),
    kind: s.kind,
    channel_id: s.channelId,
    segment_id: s.audience === "segment" ? s.segmentId : "",
    filter: s.audience === "filter" ? buildFilter(s.filters) : null,
    template:
      s.kind === "template"
        ? { kind: "template", name: s.templateName.trim(), language: s.templateLanguage.trim(), body_parameters: s.parameters.map(parameterExpression) }
        : null,
    flow_id: s.kind === "flow" ? s.flowId : "",
    include_without_opt_in: s.includeWithoutOptIn,
    max_per_second: s.maxPerSecond,
  };
}

/** What each step still lacks before the next one (null: nothing). */
export function stepProblem(step: number, s: WizardState): string | null {
  if (step === 0) {
    if (!s.name.trim()) return "Give the campaign a name.";
    if (!s.channelId) return "Choose the number to send from.";
  }
  if (step === 1 && s.audience === "segment" && !s.segmentId) return "Choose a saved segment, or build a filter.";
  if (step === 2) {
    if (s.kind === "template" && !s.templateName.trim()) return "Give the approved template's name.";
    if (s.kind === "template" && s.parameters.some((p) => p.source === "text" && !p.text.trim())) return "A fixed-text parameter needs its text.";
    if (s.kind === "flow" && !s.flowId) return "Choose the flow to start.";
  }
  if (step === 3 && s.when === "later") {
    const at = new Date(s.sendAt);
    if (!s.sendAt || Number.isNaN(at.getTime())) return "Choose when to send.";
    if (at.getTime() <= Date.now()) return "The send time must be in the future.";
  }
  return null;
}

/** The `send_at` the API takes: an ISO time with its offset. */
export function sendAtIso(local: string): string {
  return new Date(local).toISOString();
}

const PATH = /^\{\{\s*contact\.(fields\.)?([A-Za-z0-9_]+)\s*(?:\|\s*"([^{}]*)"\s*)?\}\}$/;

/** Read a saved parameter back into the wizard's terms (fixed text when it is anything else). */
export function parameterSource(expression: string): ParameterSource {
  const m = PATH.exec(expression.trim());
  if (!m) return { source: "text", text: expression, fallback: "" };
  const source = m[1] ? `field:${m[2]}` : (m[2] ?? "name");
  return { source, text: "", fallback: m[3] ?? "" };
}

/** A saved campaign's definition back in the wizard (to edit a draft). */
export function fromCampaign(c: Campaign): WizardState {
  const d = c.definition;
  const t = (d.template ?? {}) as { name?: string; language?: string; body_parameters?: string[] };
  return {
    ...NEW_WIZARD,
    name: d.name,
    channelId: d.channel_id,
    audience: d.segment_id ? "segment" : "filter",
    segmentId: d.segment_id,
    // A filter the bar cannot show (nested, custom fields) comes back as everyone: the review shows it.
    filters: (d.filter && filtersFromSegment(d.filter)) || NEW_WIZARD.filters,
    includeWithoutOptIn: d.include_without_opt_in,
    kind: d.kind,
    templateName: t.name ?? "",
    templateLanguage: t.language ?? "en_US",
    parameters: (t.body_parameters ?? []).map(parameterSource),
    flowId: d.flow_id,
    maxPerSecond: d.max_per_second,
  };
}
