import { describe, expect, it } from "vitest";

import { EMPTY_STATS } from "./model";
import { campaignProgress, failuresByCode, formatDuration, statsChart } from "./progress";

describe("campaignProgress", () => {
  it("is empty before anything is targeted", () => {
    expect(campaignProgress(EMPTY_STATS)).toEqual({ targeted: 0, processed: 0, percent: 0, sections: [], deliveryRate: null });
  });

  it("splits the bar into non-overlapping sections", () => {
    const p = campaignProgress({
      ...EMPTY_STATS,
      targeted: 10,
      sent: 7,
      delivered: 5,
      read: 2,
      failed: 2,
      failed_by_reason: { "131049": 1, OPTED_OUT: 1 },
      opted_out: 1,
      pending: 0,
    });
    expect(p.processed).toBe(10);
    expect(p.percent).toBe(100);
    expect(p.sections.map((s) => [s.key, s.value, s.percent])).toEqual([
      ["read", 2, 20],
      ["delivered", 3, 30],
      ["sent", 2, 20],
      ["failed", 1, 10],
      ["opted_out", 1, 10],
    ]);
    expect(p.deliveryRate).toBeCloseTo(71.4);
  });

  it("counts what is still pending as not processed", () => {
    const p = campaignProgress({ ...EMPTY_STATS, targeted: 3, sent: 1, pending: 2 });
    expect([p.processed, p.percent]).toEqual([1, 33.3]);
  });
});

describe("chart and failures", () => {
  it("lists every count in funnel order", () => {
    const rows = statsChart({ ...EMPTY_STATS, targeted: 4, sent: 3 });
    expect(rows[0]).toEqual({ label: "Targeted", recipients: 4 });
    expect(rows.map((r) => r.label)).toContain("Pending");
  });

  it("orders failure codes by count", () => {
    expect(failuresByCode({ ...EMPTY_STATS, failed_by_reason: { a: 1, b: 3, c: 1 } })).toEqual([
      { code: "b", count: 3 },
      { code: "a", count: 1 },
      { code: "c", count: 1 },
    ]);
  });
});

describe("formatDuration", () => {
  it("reads naturally", () => {
    expect(formatDuration(0.2)).toBe("under a second");
    expect(formatDuration(0)).toBe("under a second");
    expect(formatDuration(12.1)).toBe("13 s");
    expect(formatDuration(600)).toBe("10 min");
    expect(formatDuration(3 * 3600 + 120)).toBe("3 h 2 min");
  });
});
