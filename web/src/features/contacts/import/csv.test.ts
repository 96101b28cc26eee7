import { describe, expect, it } from "vitest";

import type { FieldDefinition } from "../model";
import { countDataRows, guessMapping, guessTarget, mappingProblems, parseCsv, previewCsv, rowErrorsToCsv } from "./csv";

const PLAN: FieldDefinition = { key: "plan", label: "Plan", type: "choice", choices: ["basic", "pro"] };

describe("parseCsv", () => {
  it("reads quotes, doubled quotes, commas and line breaks inside cells, CRLF and a BOM", () => {
    const text = '\ufeffName,Phone\r\n"Silva, Ana","+351 912"\r\n"Say ""hi""\nthere",123\n';
    expect(parseCsv(text)).toEqual([
      ["Name", "Phone"],
      ["Silva, Ana", "+351 912"],
      ['Say "hi"\nthere', "123"],
    ]);
  });

  it("stops after the limit and keeps a last line without a newline", () => {
    expect(parseCsv("a\nb\nc", 2)).toEqual([["a"], ["b"]]);
    expect(parseCsv("a,b\n1,")).toEqual([["a", "b"], ["1", ""]]);
  });
});

describe("previewCsv", () => {
  it("gives the trimmed header and the first rows, skipping blank lines", () => {
    const text = " Phone ,Name\n1,A\n\n2,B\n3,C\n";
    expect(previewCsv(text, 2)).toEqual({ header: ["Phone", "Name"], rows: [["1", "A"], ["2", "B"]] });
  });

  it("drops the cut last line of a partial read", () => {
    expect(previewCsv("Phone\n1\n2\n3", 5, false).rows).toEqual([["1"], ["2"]]);
  });
});

describe("guessing the mapping", () => {
  it("knows the usual headers and the workspace's fields", () => {
    expect(guessTarget("Mobile number", [])).toBe("phone");
    expect(guessTarget("full_name", [])).toBe("name");
    expect(guessTarget("Opt-in", [])).toBe("opted_in");
    expect(guessTarget("Tags", [])).toBe("tags");
    expect(guessTarget("plan", [PLAN])).toBe("field:plan");
    expect(guessTarget("Favourite colour", [PLAN])).toBe("ignore");
  });

  it("gives a single target to its first column only", () => {
    expect(guessMapping(["Phone", "Mobile", "Name", "Plan", "Labels", "Tags"], [PLAN])).toEqual({
      Phone: "phone",
      Mobile: "ignore",
      Name: "name",
      Plan: "field:plan",
      Labels: "tags",
      Tags: "tags",
    });
  });

  it("names what the server would refuse", () => {
    expect(mappingProblems({ Name: "name" })[""]).toMatch(/Phone/);
    expect(mappingProblems({ A: "phone", B: "phone", C: "tags", D: "tags" })).toEqual({
      B: "fills phone, which column “A” already fills",
    });
  });
});

describe("rowErrorsToCsv", () => {
  it("quotes and defuses cells", () => {
    const csv = rowErrorsToCsv([
      { row: 3, column: "Phone", reason: 'is not a "phone", number' },
      { row: 9, column: "=cmd", reason: "x" },
    ]);
    expect(csv).toBe('row,column,reason\r\n3,Phone,"is not a ""phone"", number"\r\n9,\'=cmd,x\r\n');
  });
});

describe("countDataRows", () => {
  it("counts records, not lines", () => {
    expect(countDataRows('Phone,Note\n1,"two\nlines"\n\n2,x\n')).toBe(2);
  });
});
