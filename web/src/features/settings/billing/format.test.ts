import { describe, expect, it } from "vitest";

import {
  bannerBar,
  bannerText,
  barValue,
  formatLimit,
  formatMoney,
  formatPrice,
  metricLabel,
  planAction,
  planStatus,
  scopeText,
  usageLevel,
  usageText,
  warningText,
  type PlanView,
  type UsageBar,
} from "./format";

function bar(metric: string, used: number | null, limit: number | null, scope: "ws" | "org" = "ws"): UsageBar {
  const percent = used === null || limit === null ? null : limit === 0 ? 100 : Math.round((100 * used) / limit);
  return { metric, scope, used, limit, percent };
}

const STATUS = { status: "active", cancel_at_period_end: false, current_period_end: null, trial_end: null, grace_until: null } as const;

function plan(plan_id: string, rank: number, purchasable = true): PlanView {
  return { plan_id, name: plan_id, rank, price_cents: rank * 1000, currency: "usd", limits: {}, pooled: [], features: [], trial_days: 0, purchasable };
}

describe("usage bars", () => {
  it("says used of limit, unlimited, or unavailable when the owner did not answer", () => {
    expect(usageText(bar("messages_sent", 120, 1000))).toBe("120 of 1,000");
    expect(usageText(bar("published_flows", 4, null))).toBe("4 · Unlimited");
    expect(usageText(bar("numbers", null, 2))).toBe("unavailable");
  });

  it("turns yellow at 80 % and red at 100 %, including past the limit after a downgrade", () => {
    expect(usageLevel(bar("messages_sent", 790, 1000))).toBe("ok");
    expect(usageLevel(bar("messages_sent", 800, 1000))).toBe("warn");
    expect(usageLevel(bar("messages_sent", 1000, 1000))).toBe("full");
    expect(usageLevel(bar("seats", 7, 5))).toBe("full");
    expect(usageLevel(bar("seats", 3, null))).toBe("unlimited");
    expect(usageLevel(bar("seats", null, 5))).toBe("unknown");
    expect(barValue(bar("seats", 7, 5))).toBe(100);
    expect(barValue(bar("seats", 1, 4))).toBe(25);
    expect(barValue(bar("seats", 3, null))).toBe(0);
  });

  it("names metrics in plain words and says when the organization shares one", () => {
    expect(metricLabel("kb_documents")).toBe("Knowledge-base documents");
    expect(metricLabel("brand_new_metric")).toBe("Brand new metric");
    expect(scopeText("org")).toBe("shared by the organization");
    expect(scopeText("ws")).toBeNull();
  });
});

describe("money and limits", () => {
  it("formats Stripe's smallest units in the currency", () => {
    expect(formatMoney(2900, "usd")).toBe("$29.00");
    expect(formatMoney(0, "eur")).toBe("€0.00");
    expect(formatMoney(1500, "jpy")).toBe("¥1,500");
    expect(formatPrice({ price_cents: 9900, currency: "usd" })).toBe("$99.00/month");
    expect(formatPrice({ price_cents: 0, currency: "usd" })).toBe("Free");
    expect(formatLimit(null)).toBe("Unlimited");
    expect(formatLimit(100000)).toBe("100,000");
  });
});

describe("plan status", () => {
  it("says trialing until, past due with the grace period, and a cancellation at period end", () => {
    expect(planStatus(STATUS)).toMatchObject({ label: "Active", note: null });
    expect(planStatus({ ...STATUS, status: "trialing", trial_end: "2026-12-16T10:00:00Z" }).label).toBe("Trial until Dec 16, 2026");
    const pastDue = planStatus({ ...STATUS, status: "past_due", grace_until: "2026-12-09T10:00:00Z" });
    expect(pastDue.label).toBe("Past due");
    expect(pastDue.note).toContain("holds until Dec 9, 2026");
    expect(planStatus({ ...STATUS, cancel_at_period_end: true, current_period_end: "2027-01-02T00:00:00Z" }).label).toBe("Cancels on Jan 2, 2027");
  });

  it("offers an upgrade above the current plan, a choice below it, nothing on the current or an unsold plan", () => {
    const starter = plan("starter", 1);
    expect(planAction(plan("pro", 2), starter, "starter")).toBe("upgrade");
    expect(planAction(starter, starter, "starter")).toBe("current");
    expect(planAction(plan("free", 0, false), starter, "starter")).toBeNull();
    expect(planAction(plan("lite", 0), starter, "starter")).toBe("choose");
  });
});

describe("the usage banner", () => {
  it("picks the fullest monthly figure from 80 %, never a standing one", () => {
    const usage = [bar("messages_sent", 850, 1000), bar("ai_answers", 48, 50), bar("workspaces", 1, 1, "org"), bar("leads_scraped", null, 100)];
    const top = bannerBar(usage);
    expect(top?.metric).toBe("ai_answers");
    expect(bannerText(bar("messages_sent", 850, 1000))).toBe("You have used 85 % of this month's messages");
    expect(bannerBar([bar("messages_sent", 790, 1000), bar("workspaces", 1, 1, "org")])).toBeNull();
    expect(bannerBar([bar("messages_sent", 5000, null)])).toBeNull();
  });

  it("words billing's warnings", () => {
    expect(warningText({ metric: "messages_sent", scope: "org", threshold: 80, used: 8000, limit: 10000 })).toBe(
      "Messages sent passed 80 %: 8,000 of 10,000 used by the organization.",
    );
  });
});
