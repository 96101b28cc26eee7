import type { components } from "../../../api/schema";

// Pure presentation of the billing page: metric names in plain words, usage bars, money, dates
// and the plan's status. The figures and limits are the gateway's; nothing is computed twice.

type S = components["schemas"];
export type BillingPage = S["BillingPage"];
export type PlanView = S["PlanView"];
export type UsageBar = S["UsageBar"];
export type UsageWarning = S["UsageWarning"];
export type Invoice = S["InvoiceView"];

interface MetricWords {
  /** The bar's label. */
  label: string;
  /** What is counted, for sentences ("3 of 3 published flows"). */
  noun: string;
}

const METRICS: Readonly<Record<string, MetricWords>> = {
  messages_sent: { label: "Messages sent", noun: "messages" },
  ai_answers: { label: "AI answers", noun: "AI answers" },
  leads_scraped: { label: "Leads scraped", noun: "scraped leads" },
  published_flows: { label: "Published flows", noun: "published flows" },
  active_campaigns: { label: "Active campaigns", noun: "active campaigns" },
  numbers: { label: "WhatsApp numbers", noun: "WhatsApp numbers" },
  seats: { label: "Seats (members)", noun: "seats" },
  workspaces: { label: "Workspaces", noun: "workspaces" },
  kb_documents: { label: "Knowledge-base documents", noun: "knowledge-base documents" },
};

/** Counted per billing period (they start again at every period); the others count what exists now. */
export const MONTHLY_METRICS: readonly string[] = ["messages_sent", "ai_answers", "leads_scraped"];

export function isMonthly(metric: string): boolean {
  return MONTHLY_METRICS.includes(metric);
}

function words(metric: string): MetricWords {
  const known = METRICS[metric];
  if (known) return known;
  const plain = metric.replace(/_/g, " ");
  return { label: plain.charAt(0).toUpperCase() + plain.slice(1), noun: plain };
}

export function metricLabel(metric: string): string {
  return words(metric).label;
}

export function metricNoun(metric: string): string {
  return words(metric).noun;
}

export const FEATURES: readonly { feature: string; label: string }[] = [
  { feature: "ai_node", label: "AI node" },
  { feature: "api_access", label: "API access" },
  { feature: "branding_removal", label: "Branding removal" },
];

/** Warn at 80 %, full (red) at 100 %. */
export const WARN_PERCENT = 80;
export const FULL_PERCENT = 100;

export type UsageLevel = "ok" | "warn" | "full" | "unlimited" | "unknown";

export function usageLevel(bar: Pick<UsageBar, "used" | "limit" | "percent">): UsageLevel {
  if (bar.used === null) return "unknown";
  if (bar.limit === null) return "unlimited";
  const percent = bar.percent ?? 0;
  if (percent >= FULL_PERCENT) return "full";
  if (percent >= WARN_PERCENT) return "warn";
  return "ok";
}

export const LEVEL_COLORS: Readonly<Record<UsageLevel, string>> = {
  ok: "teal",
  warn: "yellow",
  full: "red",
  unlimited: "teal",
  unknown: "gray",
};

const COUNT = new Intl.NumberFormat("en");

export function formatNumber(n: number): string {
  return COUNT.format(n);
}

/** A plan's limit as the comparison table shows it. */
export function formatLimit(limit: number | null | undefined): string {
  return limit === null || limit === undefined ? "Unlimited" : formatNumber(limit);
}

/** "120 of 1,000", "120 · Unlimited", "unavailable" (its owner did not answer now). */
export function usageText(bar: Pick<UsageBar, "used" | "limit">): string {
  if (bar.used === null) return "unavailable";
  if (bar.limit === null) return `${formatNumber(bar.used)} · Unlimited`;
  return `${formatNumber(bar.used)} of ${formatNumber(bar.limit)}`;
}

/** How full the bar is drawn, 0–100 (a downgrade may leave more used than allowed). */
export function barValue(bar: Pick<UsageBar, "used" | "limit" | "percent">): number {
  if (bar.used === null || bar.limit === null) return 0;
  return Math.min(FULL_PERCENT, Math.max(0, bar.percent ?? 0));
}

export function scopeText(scope: UsageBar["scope"]): string | null {
  return scope === "org" ? "shared by the organization" : null;
}

/** Stripe's amounts are in the currency's smallest unit (cents; yen have none). */
export function formatMoney(amount: number, currency: string, locale = "en"): string {
  const code = currency.toUpperCase();
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(locale, { style: "currency", currency: code });
  } catch {
    return `${(amount / 100).toFixed(2)} ${code}`;
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

export function formatPrice(plan: Pick<PlanView, "price_cents" | "currency">): string {
  return plan.price_cents === 0 ? "Free" : `${formatMoney(plan.price_cents, plan.currency)}/month`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString("en", { year: "numeric", month: "short", day: "numeric" });
}

export function formatPeriod(start: string | null | undefined, end: string | null | undefined): string {
  return start && end ? `${formatDate(start)} – ${formatDate(end)}` : "—";
}

export interface PlanStatus {
  label: string;
  color: string;
  /** A sentence saying what the status means for the person, if anything. */
  note: string | null;
}

type StatusFacts = Pick<
  BillingPage,
  "status" | "cancel_at_period_end" | "current_period_end" | "trial_end" | "grace_until"
>;

export function planStatus(page: StatusFacts): PlanStatus {
  if (page.status === "past_due")
    return {
      label: "Past due",
      color: "orange",
      note: page.grace_until
        ? `The last payment failed. The paid plan holds until ${formatDate(page.grace_until)} while the card is retried.`
        : "The last payment failed; the card is being retried.",
    };
  if (page.status === "canceled") return { label: "Canceled", color: "gray", note: null };
  if (page.cancel_at_period_end)
    return {
      label: `Cancels on ${formatDate(page.current_period_end)}`,
      color: "yellow",
      note: "The plan stays until the end of the period, then returns to the free plan.",
    };
  if (page.status === "trialing")
    return {
      label: page.trial_end ? `Trial until ${formatDate(page.trial_end)}` : "Trial",
      color: "blue",
      note: null,
    };
  return { label: "Active", color: "teal", note: null };
}

/** The button a purchasable plan gets: "Upgrade" above the current plan, "Choose" below it. */
export function planAction(plan: Pick<PlanView, "rank" | "plan_id" | "purchasable">, current: PlanView | undefined, currentId: string): "current" | "upgrade" | "choose" | null {
  if (plan.plan_id === currentId) return "current";
  if (!plan.purchasable) return null;
  return current === undefined || plan.rank > current.rank ? "upgrade" : "choose";
}

/** The monthly bar most used at or above the warning level, for the app's banner. */
export function bannerBar(usage: readonly UsageBar[]): UsageBar | null {
  let top: UsageBar | null = null;
  for (const bar of usage) {
    if (!isMonthly(bar.metric) || bar.percent === null || bar.used === null || bar.limit === null) continue;
    if (bar.percent < WARN_PERCENT) continue;
    if (top === null || bar.percent > (top.percent ?? 0)) top = bar;
  }
  return top;
}

export function bannerText(bar: Pick<UsageBar, "metric" | "percent">): string {
  return `You have used ${bar.percent ?? 0} % of this month's ${metricNoun(bar.metric)}`;
}

/** A warning billing raised this period, in a sentence. */
export function warningText(warning: Pick<UsageWarning, "metric" | "threshold" | "used" | "limit" | "scope">): string {
  const who = warning.scope === "org" ? "the organization" : "this workspace";
  return `${metricLabel(warning.metric)} passed ${warning.threshold} %: ${formatNumber(warning.used)} of ${formatNumber(warning.limit)} used by ${who}.`;
}

export const INVOICE_STATUS_COLORS: Readonly<Record<string, string>> = {
  paid: "teal",
  open: "blue",
  draft: "gray",
  uncollectible: "red",
  void: "gray",
};
