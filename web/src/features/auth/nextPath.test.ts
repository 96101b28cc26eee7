import { describe, expect, it } from "vitest";

import { safeNext } from "./nextPath";

describe("safeNext", () => {
  it("follows a path inside the app", () => {
    expect(safeNext("/w/ws1/flows?tab=2")).toBe("/w/ws1/flows?tab=2");
  });
  it("falls back without a next", () => {
    expect(safeNext(null)).toBe("/");
    expect(safeNext("")).toBe("/");
  });
  it("never leaves the app", () => {
    expect(safeNext("//evil.example/x")).toBe("/");
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext("/\\evil.example")).toBe("/");
  });
  it("does not loop back to the auth pages", () => {
    expect(safeNext("/login?next=/")).toBe("/");
    expect(safeNext("/signup")).toBe("/");
  });
});
