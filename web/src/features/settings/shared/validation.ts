// The Cloud API form's rules, the same as messaging's (CloudApiConnection in
// services/messaging/src/parley/messaging/domain/channels.py), so most mistakes are caught
// before the live credential check; the API's own field errors are shown the same way.

export const MIN_RATE = 1;
export const MAX_RATE = 1000;

export interface CloudApiValues {
  name: string;
  phone_number_id: string;
  business_account_id: string;
  access_token: string;
  app_secret: string;
  verify_token: string;
  messages_per_second: number;
  warmup: boolean;
}

const NUMERIC_ID = /^[0-9]{5,32}$/;

function numericId(label: string) {
  return (value: string) =>
    NUMERIC_ID.test(value.trim()) ? null : `${label} must be the numeric id shown in WhatsApp Manager (5–32 digits)`;
}

function length(label: string, min: number, max: number) {
  return (value: string) => {
    const size = value.trim().length;
    if (size < min) return `${label} must be at least ${min} characters`;
    if (size > max) return `${label} must be at most ${max} characters`;
    return null;
  };
}

export function validRate(value: number | string): string | null {
  const rate = typeof value === "number" ? value : Number(value);
  if (!Number.isInteger(rate) || rate < MIN_RATE || rate > MAX_RATE)
    return `Messages per second must be a whole number from ${MIN_RATE} to ${MAX_RATE}`;
  return null;
}

export const cloudApiRules = {
  name: (value: string) => (value.length > 100 ? "Name must be at most 100 characters" : null),
  phone_number_id: numericId("Phone number ID"),
  business_account_id: numericId("WhatsApp Business Account ID"),
  access_token: length("Access token", 20, 1024),
  app_secret: length("App secret", 16, 256),
  verify_token: length("Verify token", 8, 256),
  messages_per_second: validRate,
};

/** Optional secrets on the edit form: blank keeps the stored one. */
export function optional(rule: (value: string) => string | null) {
  return (value: string) => (value.trim() === "" ? null : rule(value));
}

/** E.164: a plus, then 8 to 15 digits, the first not 0 (spaces are allowed and ignored). */
export function isE164(phone: string): boolean {
  return /^\+[1-9][0-9]{7,14}$/.test(phone.replace(/[\s-]/g, ""));
}

export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}

/** The fields the API may name that the form has; anything else is shown above the form. */
export function splitApiErrors(
  errors: Record<string, string>,
  fields: readonly string[],
): { onFields: Record<string, string>; general: string[] } {
  const onFields: Record<string, string> = {};
  const general: string[] = [];
  for (const [field, rule] of Object.entries(errors)) {
    const name = field.split(".").pop() ?? field;
    if (fields.includes(name)) onFields[name] = rule;
    else general.push(rule);
  }
  return { onFields, general };
}
