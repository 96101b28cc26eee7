import type { components } from "../../api/schema";

// Lead capture's shapes (libs/contracts/src/parley/contracts/scraper/jobs.py) and the pure
// helpers behind its pages.

type S = components["schemas"];
export type Job = S["JobView"];
export type JobCounts = S["JobCounts"];
export type Lead = S["LeadView"];
export type SourceView = S["SourceView"];
export type JobDetail = S["JobDetail"];
export type JobInput = S["JobInput"];
export type ScrapeSource = Job["source"];
export type JobStatus = Job["status"];

export const NO_CONSENT_NOTICE =
  "Captured leads have no opt-in. They are saved as contacts without consent and cannot receive marketing templates until consent is recorded.";

export interface SourceInfo {
  label: string;
  queryLabel: string;
  queryHelp: string;
  placeholder: string;
  /** Whether the query is a list, one item a line. */
  multiline: boolean;
  /** Whether a location narrows the search. */
  location: boolean;
}

export const SOURCES: Record<ScrapeSource, SourceInfo> = {
  google_places: {
    label: "Google Places",
    queryLabel: "What to search for",
    queryHelp: "A kind of business, as you would type it in Google Maps, e.g. “dentists”.",
    placeholder: "dentists",
    multiline: false,
    location: true,
  },
  instagram: {
    label: "Instagram",
    queryLabel: "Business accounts",
    queryHelp: "Instagram usernames of business or creator accounts, one a line (or comma separated).",
    placeholder: "lisbon_bakery\nportocoffee",
    multiline: true,
    location: false,
  },
  website: {
    label: "Websites",
    queryLabel: "Sites",
    queryHelp: "Business sites' addresses, one a line. Their contact pages are read for phones, e-mails and wa.me links; robots.txt is honoured.",
    placeholder: "https://example.com\nhttps://another-example.pt",
    multiline: true,
    location: false,
  },
};

export const STATUS_COLORS: Record<JobStatus, string> = {
  running: "blue",
  completed: "teal",
  cancelled: "gray",
  failed: "red",
  limited: "yellow",
};

export const STATUS_LABELS: Record<JobStatus, string> = {
  running: "running",
  completed: "completed",
  cancelled: "cancelled",
  failed: "failed",
  limited: "stopped by plan",
};

export function sourceLabel(source: string): string {
  return SOURCES[source as ScrapeSource]?.label ?? source;
}

export function isRunning(job: Pick<Job, "status">): boolean {
  return job.status === "running";
}

export function countsOf(job: { counts: Partial<JobCounts> }): JobCounts {
  return { found: 0, leads: 0, duplicates: 0, without_phone: 0, pages: 0, errors: 0, ...job.counts };
}

export interface JobProgress {
  /** New leads against the job's limit, 0..100. */
  percent: number;
  /** A running job whose end cannot be told yet (nothing found so far). */
  indeterminate: boolean;
  label: string;
}

/** How far a job is. It stops at `limit` new leads or when the source has no more results, so
 * the bar is new leads against the limit, full once the job is over however many it found. */
export function jobProgress(job: { counts: Partial<JobCounts>; limit: number; status: JobStatus }): JobProgress {
  const counts = countsOf(job);
  const limit = Math.max(1, job.limit);
  const done = !isRunning(job);
  const percent = done ? 100 : Math.min(100, Math.round((counts.leads / limit) * 100));
  const label = `${counts.leads} of ${job.limit} leads`;
  return { percent, indeterminate: !done && counts.found === 0 && counts.pages === 0, label };
}

/** The query as the API takes it: lists (usernames, sites) one item a line, joined by newlines;
 * blank lines and surrounding spaces dropped, repeats removed. */
export function normalizeQuery(source: ScrapeSource, text: string): string {
  if (!SOURCES[source].multiline) return text.trim();
  const seen = new Set<string>();
  const items: string[] = [];
  for (const raw of text.split(/[\n,]+/)) {
    let item = raw.trim();
    if (source === "instagram") item = item.replace(/^@/, "").replace(/^https?:\/\/(www\.)?instagram\.com\//i, "").replace(/\/+$/, "");
    if (item && !seen.has(item.toLowerCase())) {
      seen.add(item.toLowerCase());
      items.push(item);
    }
  }
  return items.join("\n");
}

export interface StartValues {
  source: ScrapeSource;
  query: string;
  location: string;
  country: string;
  limit: number;
  tags: string[];
}

export const LIMIT_MAX = 500;

/** What is wrong with a start form before sending, by the contract's rules; keyed by field. */
export function startProblems(v: StartValues): Record<string, string> {
  const out: Record<string, string> = {};
  const query = normalizeQuery(v.source, v.query);
  if (!query) out.query = v.source === "google_places" ? "Say what to search for" : v.source === "instagram" ? "Give at least one username" : "Give at least one site";
  else if (query.length > 2000) out.query = "At most 2000 characters";
  if (v.source === "website" && query) {
    const bad = query.split("\n").find((site) => !isSiteAddress(site));
    if (bad) out.query = `Not a site address: ${bad}`;
  }
  if (v.location.length > 200) out.location = "At most 200 characters";
  if (v.country && !/^[A-Za-z]{2}$/.test(v.country.trim())) out.country = "Two letters, e.g. PT";
  if (!Number.isInteger(v.limit) || v.limit < 1 || v.limit > LIMIT_MAX) out.limit = `A whole number from 1 to ${LIMIT_MAX}`;
  if (v.tags.length > 10) out.tags = "At most 10 tags";
  return out;
}

function isSiteAddress(text: string): boolean {
  try {
    const url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
    return (url.protocol === "http:" || url.protocol === "https:") && (url.hostname.includes(".") || url.hostname === "localhost");
  } catch {
    return false;
  }
}

export function startBody(v: StartValues): JobInput {
  return {
    source: v.source,
    query: normalizeQuery(v.source, v.query),
    location: SOURCES[v.source].location ? v.location.trim() : "",
    country: v.country.trim().toUpperCase(),
    limit: v.limit,
    tags: v.tags,
  };
}
