import { ApiError } from "../../api/problems";
import type { components } from "../../api/schema";

// The knowledge pages' shapes (libs/contracts/src/parley/contracts/ai/{knowledge,queries}.py) and
// the pure helpers behind them.

type S = components["schemas"];
export type KnowledgeBase = S["KnowledgeBaseView"];
export type KnowledgeDocument = S["DocumentView"];
export type Passage = S["Passage"];
export type AskReply = S["Answer"];
export type FaqPair = S["FaqPair"];
export type DocumentInput = S["DocumentInput"];
export type DocumentFormat = KnowledgeDocument["format"];
export type DocumentStatus = KnowledgeDocument["status"];

export const FORMAT_LABELS: Record<DocumentFormat, string> = {
  text: "Text",
  markdown: "Markdown",
  html: "HTML",
  pdf: "PDF",
  url: "Web page",
  faq: "FAQ",
};

export const STATUS_COLORS: Record<DocumentStatus, string> = {
  indexing: "blue",
  indexed: "teal",
  failed: "red",
};

/** The formats a file may be uploaded as (the contract's upload formats; url and faq are not files). */
export type UploadFormat = "text" | "markdown" | "html" | "pdf";

export const UPLOAD_ACCEPT = ".pdf,.md,.markdown,.html,.htm,.txt,application/pdf,text/markdown,text/html,text/plain";

/** The format of an uploaded file, from its name (then its type): null for one we cannot index. */
export function formatOfFile(name: string, mimeType = ""): UploadFormat | null {
  const ext = /\.([a-z0-9]+)$/i.exec(name.trim())?.[1]?.toLowerCase() ?? "";
  const byExt: Record<string, UploadFormat> = { pdf: "pdf", md: "markdown", markdown: "markdown", html: "html", htm: "html", txt: "text", text: "text" };
  if (ext in byExt) return byExt[ext]!;
  const byType: Record<string, UploadFormat> = { "application/pdf": "pdf", "text/markdown": "markdown", "text/html": "html", "text/plain": "text" };
  return byType[mimeType.split(";")[0]!.trim().toLowerCase()] ?? null;
}

/** A title from a file name when none was typed: "refund-policy_v2.md" → "refund policy v2". */
export function titleFromFileName(name: string): string {
  return name.replace(/\.[a-z0-9]+$/i, "").replace(/[-_]+/g, " ").trim();
}

export const FAQ_QUESTION_MAX = 1000;
export const FAQ_ANSWER_MAX = 4000;
export const FAQ_PAIRS_MAX = 500;

/** Problems of an FAQ editor's pairs keyed like the form's fields (`faq.0.question`), by the
 * contract's rules. Blank rows at the end are ignored (the editor always offers one more). */
export function faqProblems(pairs: FaqPair[]): Record<string, string> {
  const rows = withoutTrailingBlanks(pairs);
  const out: Record<string, string> = {};
  if (!rows.length) out.faq = "Add at least one question with its answer";
  if (rows.length > FAQ_PAIRS_MAX) out.faq = `At most ${FAQ_PAIRS_MAX} pairs in one document`;
  const seen = new Map<string, number>();
  rows.forEach((pair, i) => {
    const q = pair.question.trim();
    const a = pair.answer.trim();
    if (!q) out[`faq.${i}.question`] = "A question is required";
    else if (q.length > FAQ_QUESTION_MAX) out[`faq.${i}.question`] = `At most ${FAQ_QUESTION_MAX} characters`;
    else {
      const key = q.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) out[`faq.${i}.question`] = `The same question as row ${first + 1}`;
      else seen.set(key, i);
    }
    if (!a) out[`faq.${i}.answer`] = "An answer is required";
    else if (a.length > FAQ_ANSWER_MAX) out[`faq.${i}.answer`] = `At most ${FAQ_ANSWER_MAX} characters`;
  });
  return out;
}

export function withoutTrailingBlanks(pairs: FaqPair[]): FaqPair[] {
  let end = pairs.length;
  while (end > 0 && !pairs[end - 1]!.question.trim() && !pairs[end - 1]!.answer.trim()) end--;
  return pairs.slice(0, end);
}

/** The pairs as the API takes them: trimmed, without the trailing blank rows. */
export function faqBody(pairs: FaqPair[]): FaqPair[] {
  return withoutTrailingBlanks(pairs).map((p) => ({ question: p.question.trim(), answer: p.answer.trim() }));
}

/** Whether a web page's address is one ai-rag may fetch: http(s) with a host. Private and
 * loopback addresses are refused by the server's outbound guard, which says so. */
export function urlProblem(value: string): string | null {
  const text = value.trim();
  if (!text) return "The page's address is required";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "Not an address: it starts with https://";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "Only http:// and https:// addresses";
  if (!url.hostname) return "The address names no host";
  return null;
}

export interface PlacedErrors {
  /** Messages for the form's own fields. */
  fields: Record<string, string>;
  /** Messages no field of the form shows: said above the buttons. */
  other: string[];
}

/** A problem's `errors` split into the form's fields and the rest. Fields arrive as the request's
 * dotted path (`body.faq.0.question`); `rename` maps a request field to the form's name for it
 * (the content of every tab is `text` to the API, for instance). */
export function placeErrors(error: unknown, known: readonly string[], rename: Record<string, string> = {}): PlacedErrors {
  const out: PlacedErrors = { fields: {}, other: [] };
  if (!(error instanceof ApiError)) return out;
  if (!error.errors.length) {
    out.other.push(error.message);
    return out;
  }
  for (const e of error.errors) {
    const raw = e.field.replace(/^body\./, "");
    const field = rename[raw] ?? raw;
    const root = field.split(".")[0] ?? "";
    if (field && (known.includes(field) || known.includes(root))) out.fields[field] = e.rule;
    else out.other.push(field ? `${field}: ${e.rule}` : e.rule);
  }
  return out;
}

/** Whether a list still has documents being indexed (the page polls while it does). */
export function anyIndexing(docs: readonly Pick<KnowledgeDocument, "status">[]): boolean {
  return docs.some((d) => d.status === "indexing");
}

/** A document's name for people: its title, else its address, else its format. */
export function documentName(doc: Pick<KnowledgeDocument, "title" | "source_url" | "format">): string {
  return doc.title || doc.source_url || `Untitled ${FORMAT_LABELS[doc.format].toLowerCase()}`;
}

export type Cited<P> = P & { index: number; cited: boolean };

/** The retrieved passages with whether the answer cites each, cited ones first (each keeps its
 * retrieval rank). Indexes outside the list are ignored. */
export function citedPassages<P extends object>(reply: { passages: P[]; cited: number[] }): Cited<P>[] {
  const cited = new Set(reply.cited.filter((i) => i >= 0 && i < reply.passages.length));
  const all = reply.passages.map((p, index) => ({ ...p, index, cited: cited.has(index) }));
  return [...all.filter((p) => p.cited), ...all.filter((p) => !p.cited)];
}

/** A relevance score (0..1) as a percentage. */
export function scoreLabel(score: number | undefined): string {
  return `${Math.round(Math.max(0, Math.min(1, score ?? 0)) * 100)}%`;
}

export function formatBytes(bytes: number | undefined): string {
  const n = bytes ?? 0;
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 102.4) / 10} KB`;
  return `${Math.round(n / (1024 * 104.8576)) / 10} MB`;
}
