import { describe, expect, it } from "vitest";

import { attentionHref } from "./attention";
import { chartPoints, formatCount, formatRate, healthColor, isEmptyWorkspace, metrics, rate } from "./format";
import type { Dashboard, HourFigures } from "./types";

const zero = { sent: 0, delivered: 0, read: 0, failed: 0, replies: 0 };

function dashboard(overrides: Partial<Dashboard> = {}): Dashboard {
  return {
    period: { from: "2026-12-01T07:00:00Z", to: "2026-12-02T06:30:00Z", hours: 24 },
    messages: { ...zero },
    series: [],
    failures: [],
    executions: { active: 0, started: 0, completed: 0, failed: 0 },
    flows: [],
    numbers: [],
    attention: [],
    ...overrides,
  };
}

describe("rates", () => {
  it("is null without a whole", () => {
    expect(rate(3, 0)).toBeNull();
    expect(formatRate(null)).toBe("—");
  });
  it("is clamped and formatted", () => {
    expect(rate(5, 4)).toBe(1);
    expect(formatRate(1)).toBe("100%");
    expect(formatRate(0)).toBe("0%");
    expect(formatRate(0.0512)).toBe("5.1%");
    expect(formatRate(0.876)).toBe("88%");
  });
});

describe("formatCount", () => {
  it("keeps small numbers whole and compacts large ones", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(9876)).toBe("9,876");
    expect(formatCount(12_345)).toBe("12.3K");
    expect(formatCount(2_500_000)).toBe("2.5M");
  });
});

describe("metrics", () => {
  it("says each rate against what it is a share of", () => {
    const d = dashboard({
      messages: { sent: 200, delivered: 180, read: 90, failed: 20, replies: 40 },
      executions: { active: 3, started: 12, completed: 8, failed: 1 },
    });
    const byKey = Object.fromEntries(metrics(d).map((m) => [m.key, m]));
    expect(byKey.delivered?.note).toBe("90% of sent");
    expect(byKey.read?.note).toBe("50% of delivered");
    expect(byKey.failed?.note).toBe("10% of sent");
    expect(byKey.replies?.value).toBe(40);
    expect(byKey.active?.value).toBe(3);
    expect(byKey.active?.note).toBe("12 started in the period");
  });
  it("gives no rate when nothing was sent", () => {
    const byKey = Object.fromEntries(metrics(dashboard()).map((m) => [m.key, m]));
    expect(byKey.delivered?.note).toBeNull();
  });
});

describe("chartPoints", () => {
  const hours = (n: number, start = Date.parse("2026-12-01T22:00:00Z")): HourFigures[] =>
    Array.from({ length: n }, (_, i) => ({ ...zero, sent: 1, at: new Date(start + i * 3_600_000).toISOString() }));

  it("keeps hours for a day", () => {
    const points = chartPoints(hours(3), 24);
    expect(points.map((p) => p.label)).toEqual(["22:00", "23:00", "00:00"]);
  });
  it("sums hours into UTC days for longer periods", () => {
    const points = chartPoints(hours(5), 168);
    expect(points).toHaveLength(2);
    expect(points[0]?.sent).toBe(2);
    expect(points[1]?.sent).toBe(3);
    expect(points[0]?.label).toBe("Dec 1");
  });
});

describe("isEmptyWorkspace", () => {
  it("is empty with no number and no traffic", () => {
    expect(isEmptyWorkspace(dashboard())).toBe(true);
  });
  it("is not once a number or a message exists", () => {
    const number = { channel_id: "s", name: "S", phone: "", status: "active", health_score: 100, reasons: [] };
    expect(isEmptyWorkspace(dashboard({ numbers: [number] }))).toBe(false);
    expect(isEmptyWorkspace(dashboard({ messages: { ...zero, replies: 1 } }))).toBe(false);
  });
});

describe("healthColor", () => {
  it("follows the watchdog's levels", () => {
    expect(healthColor(null)).toBe("gray");
    expect(healthColor(95)).toBe("teal");
    expect(healthColor(60)).toBe("yellow");
    expect(healthColor(10)).toBe("red");
  });
});

describe("attentionHref", () => {
  it("opens each target's page", () => {
    expect(attentionHref("ws1", { page: "numbers", id: "sandbox" })).toBe("/w/ws1/settings/numbers");
    expect(attentionHref("ws1", { page: "flows", id: "f 1" })).toBe("/w/ws1/flows/f%201");
    expect(attentionHref("ws1", { page: "flows", id: null })).toBe("/w/ws1/flows");
    expect(attentionHref("ws1", { page: "campaigns", id: "c1" })).toBe("/w/ws1/campaigns/c1");
    expect(attentionHref("ws1", { page: "onboarding", id: null })).toBe("/onboarding");
    expect(attentionHref("ws1", { page: "executions", id: null })).toBe("/w/ws1/flows");
  });
});
