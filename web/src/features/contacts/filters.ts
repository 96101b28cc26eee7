import type { Condition, ConsentState, SavedFilter, SegmentFilter, Stage } from "./model";

// The filter bar's state, and the segment filter (the API's shape) it stands for.

export interface ContactFilters {
  search: string;
  tags: string[];
  stages: Stage[];
  consent: ConsentState | "";
}

export const NO_FILTERS: ContactFilters = { search: "", tags: [], stages: [], consent: "" };

/** The conditions the filters ask for, ANDed; the search text is not part of a segment. */
export function buildFilter(filters: ContactFilters): SegmentFilter {
  const conditions: Condition[] = [];
  for (const tag of unique(filters.tags.map((t) => t.trim()).filter(Boolean))) {
    conditions.push({ kind: "tag", op: "has", tag });
  }
  if (filters.stages.length) conditions.push({ kind: "lifecycle", stages: unique(filters.stages) });
  if (filters.consent) conditions.push({ kind: "consent", state: filters.consent });
  return { kind: "group", match: "all", conditions };
}

export function hasConditions(filters: ContactFilters): boolean {
  return buildFilter(filters).conditions.length > 0;
}

export function isFiltered(filters: ContactFilters): boolean {
  return hasConditions(filters) || filters.search.trim() !== "";
}

/**
 * The filter bar state a saved filter maps back to, or null when it uses anything the bar
 * cannot show (nested groups, `any`, custom fields...): such a segment is applied as a whole.
 */
export function filtersFromSegment(filter: SavedFilter): ContactFilters | null {
  if (filter.match !== "all" && filter.conditions.length > 1) return null;
  const out: ContactFilters = { ...NO_FILTERS, tags: [], stages: [] };
  for (const condition of filter.conditions) {
    if (condition.kind === "tag" && condition.op === "has") out.tags.push(condition.tag);
    else if (condition.kind === "lifecycle" && !out.stages.length) out.stages = [...condition.stages];
    else if (condition.kind === "consent" && !out.consent) out.consent = condition.state;
    else return null;
  }
  return out;
}

/** A one-line reading of a filter for lists of segments. */
export function describeFilter(filter: SavedFilter | SegmentFilter): string {
  if (!filter.conditions.length) return "Everyone";
  const joiner = filter.match === "any" ? " or " : " and ";
  return filter.conditions
    .map((c): string => {
      switch (c.kind) {
        case "tag":
          return `${c.op === "has_not" ? "not tagged" : "tagged"} “${c.tag}”`;
        case "lifecycle":
          return `stage ${c.stages.join("/")}`;
        case "consent":
          return `consent ${c.state.replace("_", " ")}`;
        case "field":
          return `${c.key} ${c.op.replace(/_/g, " ")}${c.value === undefined || c.value === null ? "" : ` ${String(c.value)}`}`;
        case "last_inbound":
          return c.op === "never" ? "never wrote" : `last wrote ${c.op === "within_days" ? "within" : "over"} ${c.days ?? 0} days`;
        case "created":
          return `created ${c.op} ${c.at.slice(0, 10)}`;
        case "group":
          return `(${describeFilter(c)})`;
      }
    })
    .join(joiner);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
