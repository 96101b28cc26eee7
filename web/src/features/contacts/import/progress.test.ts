import { describe, expect, it } from "vitest";

import type { ImportView } from "../model";
import { importProgress } from "./progress";

function job(status: ImportView["status"], rows: number): ImportView {
  return {
    import_id: "imp-1",
    file_name: "a.csv",
    status,
    dedupe: "fill",
    totals: { rows, created: rows, updated: 0, unchanged: 0, rejected: 0 },
    error: "",
    started_at: "2026-01-01T00:00:00Z",
  };
}

describe("importProgress", () => {
  it("measures against the counted rows while running", () => {
    expect(importProgress(job("running", 500), 2000)).toEqual({ processed: 500, total: 2000, percent: 25, done: false });
  });
  it("has no percentage without a count", () => {
    expect(importProgress(job("running", 10), null).percent).toBeNull();
  });
  it("is whole once finished, whatever was counted", () => {
    expect(importProgress(job("completed", 20), 22)).toEqual({ processed: 20, total: 20, percent: 100, done: true });
  });
});
