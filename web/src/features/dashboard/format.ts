import type { Dashboard, HourFigures, MessageFigures } from "./types";

// Pure figures for the dashboard: counts, rates and the chart's buckets.

export const PERIODS = [
  { value: "24", label: "24 h" },
  { value: "168", label: "7 d" },
  { value: "720", label: "30 d" },
] as const;

const COUNT = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** 1234 → "1.2K"; small numbers as they are. */
export function formatCount(n: number): string {
  return n < 10_000 ? n.toLocaleString("en") : COUNT.format(n);
}

/** part / whole as a fraction in [0, 1]; null when there is no whole to compare with. */
export function rate(part: number, whole: number): number | null {
  if (!Number.isFinite(part) || !Number.isFinite(whole) || whole <= 0) return null;
  return Math.min(1, Math.max(0, part / whole));
}

/** 0.1234 → "12.3%", 1 → "100%", null → "—". */
export function formatRate(r: number | null): string {
  if (r === null) return "—";
  const pct = r * 100;
  if (pct === 0 || pct === 100) return `${pct}%`;
  return `${pct < 10 ? pct.toFixed(1) : Math.round(pct)}%`;
}

export interface Metric {
  key: keyof MessageFigures | "active";
  label: string;
  value: number;
  /** a rate shown under the value, e.g. "92% of sent" */
  note: string | null;
}

export function metrics(d: Dashboard): Metric[] {
  const m = d.messages;
  const of = (part: number, whole: number, what: string) => {
    const r = rate(part, whole);
    return r === null ? null : `${formatRate(r)} of ${what}`;
  };
  return [
    { key: "sent", label: "Sent", value: m.sent, note: null },
    { key: "delivered", label: "Delivered", value: m.delivered, note: of(m.delivered, m.sent, "sent") },
    { key: "read", label: "Read", value: m.read, note: of(m.read, m.delivered, "delivered") },
    { key: "failed", label: "Failed", value: m.failed, note: of(m.failed, m.sent, "sent") },
    { key: "replies", label: "Replies", value: m.replies, note: null },
    {
      key: "active",
      label: "Active executions",
      value: d.executions.active,
      note: `${formatCount(d.executions.started)} started in the period`,
    },
  ];
}

export interface ChartPoint extends MessageFigures {
  label: string;
}

/**
 * The chart's points: hourly for a day or two, daily beyond (720 hourly points are unreadable).
 * Days are UTC days, like the server's hours.
 */
export function chartPoints(series: HourFigures[], hours: number): ChartPoint[] {
  if (hours <= 48) {
    return series.map((h) => ({ ...pick(h), label: hourLabel(h.at) }));
  }
  const days = new Map<string, ChartPoint>();
  for (const h of series) {
    const day = h.at.slice(0, 10);
    const point = days.get(day) ?? { label: dayLabel(day), sent: 0, delivered: 0, read: 0, failed: 0, replies: 0 };
    point.sent += h.sent;
    point.delivered += h.delivered;
    point.read += h.read;
    point.failed += h.failed;
    point.replies += h.replies;
    days.set(day, point);
  }
  return [...days.values()];
}

function pick(h: MessageFigures): MessageFigures {
  return { sent: h.sent, delivered: h.delivered, read: h.read, failed: h.failed, replies: h.replies };
}

function hourLabel(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : `${String(d.getUTCHours()).padStart(2, "0")}:00`;
}

function dayLabel(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime())
    ? day
    : d.toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });
}

/** A workspace with nothing to show yet: no number and no traffic. */
export function isEmptyWorkspace(d: Dashboard): boolean {
  const m = d.messages;
  return (
    d.numbers.length === 0 &&
    m.sent + m.delivered + m.read + m.failed + m.replies === 0 &&
    d.executions.started + d.executions.active === 0
  );
}

/** Health score colour: the messaging watchdog calls 80+ healthy. */
export function healthColor(score: number | null): string {
  if (score === null) return "gray";
  if (score >= 80) return "teal";
  if (score >= 50) return "yellow";
  return "red";
}
