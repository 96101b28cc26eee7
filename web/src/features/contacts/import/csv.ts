import type { FieldDefinition, RowError } from "../model";

// Client-side reading of a CSV's first rows (for the preview and the mapping), and writing the
// error report back out as CSV. The server reads the whole file itself: this never has to.

export interface CsvPreview {
  header: string[];
  rows: string[][];
}

/** RFC 4180 records of `text` (quotes, doubled quotes, CR/LF), at most `limit` of them. */
export function parseCsv(text: string, limit = Infinity): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM is not part of the first header
  for (; i < text.length && records.length < limit; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") {
      record.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
    } else cell += ch;
  }
  if ((cell !== "" || record.length) && records.length < limit) {
    record.push(cell);
    records.push(record);
  }
  return records;
}

/**
 * The header and up to `rows` data rows of the start of a file. `complete` says whether `text`
 * is the whole file: if not, its last line may be cut, so it is not shown.
 */
export function previewCsv(text: string, rows = 5, complete = true): CsvPreview {
  let records = parseCsv(text, rows + 2);
  if (!complete && records.length > rows + 1) records = records.slice(0, rows + 1);
  else if (!complete) records = records.slice(0, -1);
  records = records.filter((r, n) => n === 0 || r.some((c) => c.trim() !== ""));
  const [header = [], ...data] = records;
  return { header: header.map((h) => h.trim()), rows: data.slice(0, rows) };
}

// Targets one column at most may fill (several may add tags or be ignored).
const SINGLE = new Set(["phone", "user_id", "name", "language", "time_zone", "stage", "opted_in"]);

const GUESSES: [RegExp, string][] = [
  [/^(phone|mobile|cell|tel|telephone|whats ?app|msisdn|number|phone number|mobile number)$/, "phone"],
  [/^(wa ?id|user ?id|whatsapp id|bsuid)$/, "user_id"],
  [/^(name|full ?name|contact|contact name|customer)$/, "name"],
  [/^(lang|language|locale)$/, "language"],
  [/^(tz|time ?zone|timezone)$/, "time_zone"],
  [/^(tags?|labels?|groups?)$/, "tags"],
  [/^(stage|lifecycle|lifecycle stage|status)$/, "stage"],
  [/^(opt ?in|opted ?in|consent|agreed|subscribed|marketing consent)$/, "opted_in"],
];

function normalize(header: string): string {
  return header.trim().toLowerCase().replace(/[_\-.]+/g, " ").replace(/\s+/g, " ");
}

/** The target a column's header suggests: a built-in, a custom field (by key or label), or ignore. */
export function guessTarget(header: string, fields: FieldDefinition[]): string {
  const name = normalize(header);
  for (const [pattern, target] of GUESSES) if (pattern.test(name)) return target;
  const field = fields.find((f) => normalize(f.key) === name || normalize(f.label) === name);
  return field ? `field:${field.key}` : "ignore";
}

/** A mapping for every column, each single target taken by the first column that suggests it. */
export function guessMapping(header: string[], fields: FieldDefinition[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  const taken = new Set<string>();
  for (const column of header) {
    if (!column || column in mapping) continue;
    let target = guessTarget(column, fields);
    if (taken.has(target) && (SINGLE.has(target) || target.startsWith("field:"))) target = "ignore";
    taken.add(target);
    mapping[column] = target;
  }
  return mapping;
}

/** What the server would refuse in a mapping, per column ("" = the mapping as a whole). */
export function mappingProblems(mapping: Record<string, string>): Record<string, string> {
  const problems: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (const [column, target] of Object.entries(mapping)) {
    if (!SINGLE.has(target) && !target.startsWith("field:")) continue;
    const first = seen.get(target);
    if (first !== undefined) problems[column] = `fills ${target}, which column “${first}” already fills`;
    else seen.set(target, column);
  }
  if (!seen.has("phone") && !seen.has("user_id")) {
    problems[""] = "Map a column to Phone or WhatsApp user id: they identify each contact.";
  }
  return problems;
}

function csvCell(value: string): string {
  // A cell a spreadsheet would run as a formula is defused, as the gateway's export does.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function rowErrorsToCsv(errors: RowError[]): string {
  const lines = [["row", "column", "reason"], ...errors.map((e) => [String(e.row), e.column, e.reason])];
  return lines.map((cells) => cells.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** Data rows of a whole file, as the server counts them (a blank line is no row). */
export function countDataRows(text: string): number {
  return parseCsv(text).slice(1).filter((r) => r.some((c) => c.trim() !== "")).length;
}
