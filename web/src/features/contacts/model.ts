import type { components } from "../../api/schema";

// Short names for the CRM schemas these pages use (kept here, not in the shared types.ts).
type S = components["schemas"];
export type Contact = S["ContactView"];
export type ContactPage = S["ContactPage"];
export type ContactChangeResult = S["ContactChangeResult"];
export type SegmentFilter = S["SegmentFilter-Input"];
export type SavedFilter = S["SegmentFilter-Output"];
export type Condition = SegmentFilter["conditions"][number];
export type FieldDefinition = S["FieldDefinition"];
export type FieldType = FieldDefinition["type"];
export type Segment = S["SegmentView"];
export type SegmentPreview = S["SegmentPreview"];
export type TimelineItem = S["TimelineItem"];
export type ImportView = S["ImportView"];
export type ImportStartResult = S["ImportStartResult"];
export type RowError = S["RowError"];
export type Stage = Contact["stage"];
export type ConsentState = S["Consent"]["state"];
export type Dedupe = ImportView["dedupe"];
export type FieldValue = boolean | number | string;

export const STAGES: { value: Stage; label: string }[] = [
  { value: "new", label: "New" },
  { value: "lead", label: "Lead" },
  { value: "qualified", label: "Qualified" },
  { value: "customer", label: "Customer" },
  { value: "churned", label: "Churned" },
];

export const CONSENT_STATES: { value: ConsentState; label: string; color: string }[] = [
  { value: "opted_in", label: "Opted in", color: "teal" },
  { value: "opted_out", label: "Opted out", color: "red" },
  { value: "unknown", label: "Unknown", color: "gray" },
];

export const FIELD_TYPES: { value: FieldType; label: string }[] = [
  { value: "text", label: "Text" },
  { value: "number", label: "Number" },
  { value: "date", label: "Date" },
  { value: "boolean", label: "Yes / no" },
  { value: "choice", label: "Choice" },
];

export function stageLabel(stage: Stage): string {
  return STAGES.find((s) => s.value === stage)?.label ?? stage;
}

export function consentOf(contact: Contact): ConsentState {
  return contact.consent?.state ?? "unknown";
}

export function formatTime(value: string | null | undefined): string {
  if (!value) return "—";
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toLocaleString();
}
