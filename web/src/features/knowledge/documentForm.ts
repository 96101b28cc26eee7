import { faqBody, faqProblems, formatOfFile, titleFromFileName, urlProblem, type DocumentFormat, type FaqPair, type KnowledgeDocument } from "./model";
import type { DocumentContent } from "./queries";

// The "Add document" form: one tab per way of giving content; what each sends, how it is checked
// before sending, and where the server's refusals of it are shown.

export type DocumentTab = "write" | "html" | "upload" | "url" | "faq";

export interface DocumentValues {
  tab: DocumentTab;
  title: string;
  writeFormat: "markdown" | "text";
  writeText: string;
  html: string;
  file: File | null;
  url: string;
  faq: FaqPair[];
}

export const TEXT_MAX = 500_000;

export function initialValues(doc?: KnowledgeDocument): DocumentValues {
  return {
    tab: doc ? tabOf(doc.format) : "write",
    title: doc?.title ?? "",
    writeFormat: doc?.format === "text" ? "text" : "markdown",
    writeText: "",
    html: "",
    file: null,
    url: doc?.source_url ?? "",
    faq: [{ question: "", answer: "" }],
  };
}

/** The tab that gives content of a format, so "Replace content" opens where the document came from. */
export function tabOf(format: DocumentFormat): DocumentTab {
  switch (format) {
    case "text":
    case "markdown":
      return "write";
    case "html":
      return "html";
    case "pdf":
      return "upload";
    case "url":
      return "url";
    case "faq":
      return "faq";
  }
}

/** The form's fields the server's refusals can land on, and the request fields they come from. */
export const DOCUMENT_FIELDS = ["title", "writeText", "html", "file", "url", "faq"] as const;

export function serverFieldNames(tab: DocumentTab): Record<string, string> {
  const names: Record<string, string> = { text: tab === "html" ? "html" : "writeText" };
  if (tab === "upload") names.format = "file";
  return names;
}

/** What is wrong before sending, keyed by the form's fields; empty when it may be sent. */
export function documentProblems(v: DocumentValues): Record<string, string> {
  const out: Record<string, string> = {};
  if (v.title.length > 300) out.title = "At most 300 characters";
  switch (v.tab) {
    case "write":
      if (!v.writeText.trim()) out.writeText = "Write or paste the document's text";
      else if (v.writeText.length > TEXT_MAX) out.writeText = "Longer than 500,000 characters: upload it as a file instead";
      break;
    case "html":
      if (!v.html.trim()) out.html = "Paste the page's HTML";
      else if (v.html.length > TEXT_MAX) out.html = "Longer than 500,000 characters: upload it as a file instead";
      break;
    case "upload":
      if (!v.file) out.file = "Choose a file";
      else if (!formatOfFile(v.file.name, v.file.type)) out.file = "Not a file we can read: PDF, Markdown (.md), HTML or plain text (.txt)";
      break;
    case "url": {
      const problem = urlProblem(v.url);
      if (problem) out.url = problem;
      break;
    }
    case "faq":
      Object.assign(out, faqProblems(v.faq));
      break;
  }
  return out;
}

/** The request for the form's tab (call after `documentProblems` found nothing). */
export function documentContent(v: DocumentValues): DocumentContent {
  const title = v.title.trim();
  const empty = { title, text: "", url: "", faq: [] };
  switch (v.tab) {
    case "write":
      return { kind: "json", body: { ...empty, format: v.writeFormat, text: v.writeText } };
    case "html":
      return { kind: "json", body: { ...empty, format: "html", text: v.html } };
    case "upload":
      return { kind: "file", file: v.file!, title: title || titleFromFileName(v.file!.name), format: formatOfFile(v.file!.name, v.file!.type) };
    case "url":
      return { kind: "json", body: { ...empty, format: "url", url: v.url.trim() } };
    case "faq":
      return { kind: "json", body: { ...empty, format: "faq", faq: faqBody(v.faq) } };
  }
}
