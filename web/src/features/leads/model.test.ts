import { describe, expect, it } from "vitest";

import { jobProgress, normalizeQuery, startBody, startProblems, type Job, type JobCounts, type StartValues } from "./model";

const job = (patch: Partial<Omit<Job, "counts">> & { counts?: Partial<JobCounts> }): Job => ({
  job_id: "job-1",
  source: "website",
  query: "https://example.com",
  location: "",
  limit: 20,
  status: "running",
  message: "",
  reason: "",
  requested_by: "",
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  ...patch,
  counts: { found: 0, leads: 0, duplicates: 0, without_phone: 0, pages: 0, errors: 0, ...patch.counts },
});

describe("jobProgress", () => {
  it("is new leads against the limit while running", () => {
    expect(jobProgress(job({ counts: { found: 9, leads: 5, duplicates: 4, pages: 1 } }))).toEqual({ percent: 25, indeterminate: false, label: "5 of 20 leads" });
  });

  it("is indeterminate before anything is read, and never over 100", () => {
    expect(jobProgress(job({})).indeterminate).toBe(true);
    expect(jobProgress(job({ counts: { leads: 30, found: 30 } })).percent).toBe(100);
  });

  it("is full once the job is over, however few it found", () => {
    expect(jobProgress(job({ status: "completed", counts: { found: 2, leads: 1 } }))).toEqual({ percent: 100, indeterminate: false, label: "1 of 20 leads" });
    expect(jobProgress(job({ status: "cancelled" })).percent).toBe(100);
  });
});

describe("the start form", () => {
  const values = (patch: Partial<StartValues>): StartValues => ({ source: "website", query: "", location: "", country: "", limit: 50, tags: [], ...patch });

  it("sends lists one item a line, without blanks, repeats or @", () => {
    expect(normalizeQuery("website", " https://a.pt \n\nhttps://b.pt, https://a.pt")).toBe("https://a.pt\nhttps://b.pt");
    expect(normalizeQuery("instagram", "@bakery\nhttps://instagram.com/cafe/")).toBe("bakery\ncafe");
    expect(normalizeQuery("google_places", "  dentists, orthodontists ")).toBe("dentists, orthodontists");
  });

  it("says what is missing or malformed, by source", () => {
    expect(startProblems(values({}))).toEqual({ query: "Give at least one site" });
    expect(startProblems(values({ source: "google_places" }))).toEqual({ query: "Say what to search for" });
    expect(startProblems(values({ query: "example.com\nnot a site" })).query).toBe("Not a site address: not a site");
    expect(startProblems(values({ query: "example.com", country: "PRT", limit: 501 }))).toEqual({ country: "Two letters, e.g. PT", limit: "A whole number from 1 to 500" });
  });

  it("drops the location for sources that take none and upper-cases the country", () => {
    expect(startBody(values({ query: "example.com", location: "Lisbon", country: "pt" }))).toEqual({
      source: "website",
      query: "example.com",
      location: "",
      country: "PT",
      limit: 50,
      tags: [],
    });
    expect(startBody(values({ source: "google_places", query: "dentists", location: " Lisbon " })).location).toBe("Lisbon");
  });
});
