import { describe, expect, it } from "vitest";

import { buildFilter, describeFilter, filtersFromSegment, hasConditions, isFiltered, NO_FILTERS } from "./filters";

describe("buildFilter", () => {
  it("matches everyone without conditions", () => {
    expect(buildFilter(NO_FILTERS)).toEqual({ kind: "group", match: "all", conditions: [] });
    expect(hasConditions(NO_FILTERS)).toBe(false);
  });

  it("ANDs each tag, the stages and the consent state", () => {
    const filter = buildFilter({ search: "ana", tags: ["vip", " vip ", "", "spring"], stages: ["lead", "customer"], consent: "opted_in" });
    expect(filter.conditions).toEqual([
      { kind: "tag", op: "has", tag: "vip" },
      { kind: "tag", op: "has", tag: "spring" },
      { kind: "lifecycle", stages: ["lead", "customer"] },
      { kind: "consent", state: "opted_in" },
    ]);
  });

  it("keeps the search out of the segment but counts it as filtering", () => {
    const filters = { ...NO_FILTERS, search: "  +351 " };
    expect(buildFilter(filters).conditions).toEqual([]);
    expect(isFiltered(filters)).toBe(true);
  });
});

describe("filtersFromSegment", () => {
  it("reads back what the bar built", () => {
    const filters = { search: "", tags: ["vip"], stages: ["lead" as const], consent: "unknown" as const };
    expect(filtersFromSegment(buildFilter(filters))).toEqual(filters);
  });

  it("refuses what the bar cannot show", () => {
    expect(filtersFromSegment({ kind: "group", match: "all", conditions: [{ kind: "field", key: "plan", op: "is_set" }] })).toBeNull();
    expect(
      filtersFromSegment({
        kind: "group",
        match: "any",
        conditions: [
          { kind: "tag", op: "has", tag: "a" },
          { kind: "tag", op: "has", tag: "b" },
        ],
      }),
    ).toBeNull();
  });
});

describe("describeFilter", () => {
  it("reads like a sentence", () => {
    expect(describeFilter(buildFilter({ ...NO_FILTERS, tags: ["vip"], consent: "opted_in" }))).toBe("tagged “vip” and consent opted in");
    expect(describeFilter(buildFilter(NO_FILTERS))).toBe("Everyone");
  });
});
