import type { CampaignStats } from "./model";

// A campaign's stats as the progress bar, the chart and the headline numbers show them. Each
// recipient is counted once per status it reached (delivered implies sent, read implies
// delivered), so the bar's sections are differences, never overlapping counts.

export interface Section {
  key: string;
  label: string;
  value: number; // recipients
  percent: number; // of the targeted
  color: string;
}

export interface CampaignProgress {
  targeted: number;
  processed: number; // no longer pending: sent, failed or skipped
  percent: number;
  sections: Section[];
  deliveryRate: number | null; // delivered / sent, once something was sent
}

function pct(value: number, of: number): number {
  return of > 0 ? Math.round((value / of) * 1000) / 10 : 0;
}

export function campaignProgress(stats: CampaignStats): CampaignProgress {
  const targeted = stats.targeted;
  const read = stats.read;
  const delivered = Math.max(0, stats.delivered - read);
  const sentOnly = Math.max(0, stats.sent - stats.delivered);
  const optedOut = stats.opted_out;
  const failed = Math.max(0, stats.failed - failedAsOptOut(stats));
  const parts: Omit<Section, "percent">[] = [
    { key: "read", label: "Read", value: read, color: "teal.7" },
    { key: "delivered", label: "Delivered", value: delivered, color: "teal.4" },
    { key: "sent", label: "Sent", value: sentOnly, color: "blue.5" },
    { key: "failed", label: "Failed", value: failed, color: "red.6" },
    { key: "opted_out", label: "Opted out", value: optedOut, color: "orange.5" },
  ];
  const processed = Math.min(targeted, Math.max(0, targeted - stats.pending));
  return {
    targeted,
    processed,
    percent: targeted ? Math.min(100, pct(processed, targeted)) : 0,
    sections: parts.filter((p) => p.value > 0).map((p) => ({ ...p, percent: pct(p.value, targeted) })),
    deliveryRate: stats.sent ? pct(stats.delivered, stats.sent) : null,
  };
}

// A send refused because the contact opted out counts both as failed and as opted out.
function failedAsOptOut(stats: CampaignStats): number {
  return stats.failed_by_reason?.OPTED_OUT ?? 0;
}

/** The bar chart's rows: one per count, in funnel order. */
export function statsChart(stats: CampaignStats): { label: string; recipients: number }[] {
  return [
    { label: "Targeted", recipients: stats.targeted },
    { label: "Sent", recipients: stats.sent },
    { label: "Delivered", recipients: stats.delivered },
    { label: "Read", recipients: stats.read },
    { label: "Replied", recipients: stats.replied },
    { label: "Failed", recipients: stats.failed },
    { label: "Limited", recipients: stats.limited_by_meta },
    { label: "Opted out", recipients: stats.opted_out },
    { label: "Pending", recipients: stats.pending },
  ];
}

/** Failure codes, most frequent first. */
export function failuresByCode(stats: CampaignStats): { code: string; count: number }[] {
  return Object.entries(stats.failed_by_reason ?? {})
    .map(([code, count]) => ({ code, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 1) return "under a second";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}
