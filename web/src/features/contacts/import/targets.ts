import type { FieldDefinition } from "../model";

export const BUILTIN_TARGETS = [
  { value: "ignore", label: "Don't import" },
  { value: "phone", label: "Phone" },
  { value: "user_id", label: "WhatsApp user id" },
  { value: "name", label: "Name" },
  { value: "language", label: "Language" },
  { value: "time_zone", label: "Time zone" },
  { value: "tags", label: "Tags (comma-separated)" },
  { value: "stage", label: "Lifecycle stage" },
  { value: "opted_in", label: "Opted in (yes/no)" },
];

export function targetOptions(fields: FieldDefinition[]) {
  return [
    { group: "Contact", items: BUILTIN_TARGETS },
    ...(fields.length ? [{ group: "Custom fields", items: fields.map((f) => ({ value: `field:${f.key}`, label: f.label || f.key })) }] : []),
  ];
}
