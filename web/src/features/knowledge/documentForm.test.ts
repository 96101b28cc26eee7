import { describe, expect, it } from "vitest";

import { documentContent, documentProblems, initialValues, serverFieldNames, tabOf } from "./documentForm";

describe("the add-document form", () => {
  it("checks only the chosen tab's content", () => {
    const v = { ...initialValues(), tab: "url" as const, url: "https://example.com/faq", writeText: "" };
    expect(documentProblems(v)).toEqual({});
    expect(documentProblems({ ...v, tab: "write" })).toEqual({ writeText: "Write or paste the document's text" });
    expect(documentProblems({ ...v, tab: "upload" })).toEqual({ file: "Choose a file" });
  });

  it("refuses a file it cannot index before uploading it", () => {
    const file = new File(["x"], "logo.png", { type: "image/png" });
    expect(documentProblems({ ...initialValues(), tab: "upload", file }).file).toMatch(/^Not a file we can read/);
  });

  it("sends each tab's content as the API takes it", () => {
    const base = { ...initialValues(), title: "  Refunds " };
    expect(documentContent({ ...base, writeText: "# Refunds\nWithin 30 days" })).toEqual({
      kind: "json",
      body: { format: "markdown", text: "# Refunds\nWithin 30 days", title: "Refunds", url: "", faq: [] },
    });
    expect(documentContent({ ...base, tab: "faq", title: "", faq: [{ question: " Open? ", answer: "Yes " }, { question: "", answer: "" }] })).toEqual({
      kind: "json",
      body: { format: "faq", faq: [{ question: "Open?", answer: "Yes" }], title: "", text: "", url: "" },
    });
    const file = new File(["%PDF"], "price-list.pdf", { type: "application/pdf" });
    expect(documentContent({ ...base, tab: "upload", title: "", file })).toEqual({ kind: "file", file, title: "price list", format: "pdf" });
  });

  it("opens a replacement on the tab its format came from, and places `text` on that tab's field", () => {
    expect(tabOf("pdf")).toBe("upload");
    expect(tabOf("text")).toBe("write");
    expect(serverFieldNames("html").text).toBe("html");
    expect(serverFieldNames("write").text).toBe("writeText");
    expect(serverFieldNames("upload").format).toBe("file");
  });
});
