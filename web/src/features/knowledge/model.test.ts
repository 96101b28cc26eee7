import { describe, expect, it } from "vitest";

import { ApiError } from "../../api/problems";
import { anyIndexing, citedPassages, faqBody, faqProblems, formatOfFile, placeErrors, scoreLabel, titleFromFileName, urlProblem } from "./model";

describe("formatOfFile", () => {
  it("reads the format from the extension, in any case", () => {
    expect(formatOfFile("Price list.PDF")).toBe("pdf");
    expect(formatOfFile("faq.md")).toBe("markdown");
    expect(formatOfFile("notes.markdown")).toBe("markdown");
    expect(formatOfFile("page.htm")).toBe("html");
    expect(formatOfFile("index.html")).toBe("html");
    expect(formatOfFile("readme.txt")).toBe("text");
  });

  it("falls back to the file's type, and refuses what it cannot index", () => {
    expect(formatOfFile("download", "application/pdf")).toBe("pdf");
    expect(formatOfFile("export", "text/html; charset=utf-8")).toBe("html");
    expect(formatOfFile("sheet.xlsx", "application/vnd.ms-excel")).toBeNull();
    expect(formatOfFile("photo.png")).toBeNull();
  });

  it("makes a title of a file name", () => {
    expect(titleFromFileName("refund-policy_v2.md")).toBe("refund policy v2");
  });
});

describe("faqProblems", () => {
  it("accepts complete pairs and ignores the trailing blank row", () => {
    const pairs = [{ question: "Open on Sundays?", answer: "No." }, { question: "", answer: "" }];
    expect(faqProblems(pairs)).toEqual({});
    expect(faqBody(pairs)).toEqual([{ question: "Open on Sundays?", answer: "No." }]);
  });

  it("names the row and the half that is missing", () => {
    expect(faqProblems([{ question: "Open?", answer: " " }, { question: "", answer: "Yes" }])).toEqual({
      "faq.0.answer": "An answer is required",
      "faq.1.question": "A question is required",
    });
  });

  it("wants at least one pair, no repeated question and the contract's lengths", () => {
    expect(faqProblems([{ question: "", answer: "" }])).toEqual({ faq: "Add at least one question with its answer" });
    expect(faqProblems([{ question: "Hours?", answer: "9-5" }, { question: "hours?", answer: "9-6" }])["faq.1.question"]).toBe("The same question as row 1");
    expect(faqProblems([{ question: "q".repeat(1001), answer: "a".repeat(4001) }])).toEqual({
      "faq.0.question": "At most 1000 characters",
      "faq.0.answer": "At most 4000 characters",
    });
  });
});

describe("placeErrors", () => {
  it("puts each rule on the form's field, renamed, and keeps the rest apart", () => {
    const error = new ApiError(422, {
      detail: "Invalid document",
      errors: [
        { field: "body.text", rule: "is empty after removing markup" },
        { field: "body.faq.2.answer", rule: "too long" },
        { field: "body.format", rule: "unknown format" },
        { field: "", rule: "The knowledge base is being deleted" },
      ],
    });
    expect(placeErrors(error, ["html", "faq"], { text: "html" })).toEqual({
      fields: { html: "is empty after removing markup", "faq.2.answer": "too long" },
      other: ["format: unknown format", "The knowledge base is being deleted"],
    });
  });

  it("says a problem without field errors as a whole, and ignores other errors", () => {
    expect(placeErrors(new ApiError(503, { detail: "ai-rag is not answering" }), ["title"])).toEqual({ fields: {}, other: ["ai-rag is not answering"] });
    expect(placeErrors(new Error("network"), ["title"])).toEqual({ fields: {}, other: [] });
  });
});

describe("urlProblem", () => {
  it("wants an http(s) address", () => {
    expect(urlProblem("https://example.com/help")).toBeNull();
    expect(urlProblem("")).toBe("The page's address is required");
    expect(urlProblem("example.com")).toBe("Not an address: it starts with https://");
    expect(urlProblem("ftp://example.com/a")).toBe("Only http:// and https:// addresses");
  });
});

describe("answers", () => {
  it("lists cited passages first, keeping their rank, and ignores indexes out of range", () => {
    const passages = [{ document_id: "doc-a" }, { document_id: "doc-b" }, { document_id: "doc-c" }];
    expect(citedPassages({ passages, cited: [2, 7] }).map((p) => [p.document_id, p.index, p.cited])).toEqual([
      ["doc-c", 2, true],
      ["doc-a", 0, false],
      ["doc-b", 1, false],
    ]);
  });

  it("shows scores as a clamped percentage and knows when indexing goes on", () => {
    expect(scoreLabel(0.834)).toBe("83%");
    expect(scoreLabel(1.7)).toBe("100%");
    expect(scoreLabel(undefined)).toBe("0%");
    expect(anyIndexing([{ status: "indexed" }, { status: "indexing" }])).toBe(true);
    expect(anyIndexing([{ status: "failed" }])).toBe(false);
  });
});
