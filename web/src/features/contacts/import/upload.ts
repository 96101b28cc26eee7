import { authFetch } from "../../../api/client";
import { ApiError, type ProblemBody } from "../../../api/problems";
import type { Dedupe, ImportStartResult } from "../model";

export interface ImportOptions {
  mapping: Record<string, string>;
  dedupe: Dedupe;
  tags: string[];
  consentSource: string;
  consentWording: string;
  defaultRegion: string;
}

/** The import's query string: the options travel as parameters, the file as the raw body. */
export function importQuery(fileName: string, o: ImportOptions): URLSearchParams {
  const query = new URLSearchParams({ mapping: JSON.stringify(o.mapping), dedupe: o.dedupe, file_name: fileName || "contacts.csv" });
  for (const tag of o.tags) query.append("tags", tag);
  if (o.consentSource.trim()) query.set("consent_source", o.consentSource.trim());
  if (o.consentWording.trim()) query.set("consent_wording", o.consentWording.trim());
  if (o.defaultRegion.trim()) query.set("default_region", o.defaultRegion.trim().toUpperCase());
  return query;
}

// Not JSON, so not through openapi-fetch's body serializer: the file is streamed as it is.
export async function uploadCsv(workspaceId: string, file: File, options: ImportOptions): Promise<ImportStartResult> {
  const url = `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/imports?${importQuery(file.name, options)}`;
  const response = await authFetch(new Request(url, { method: "POST", headers: { "Content-Type": "text/csv" }, body: file }));
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, body as ProblemBody | undefined);
  return body as ImportStartResult;
}

/** Data rows in a file (blank lines are no rows), remembered so the progress view has a total. */
export function rememberRowCount(importId: string, rows: number): void {
  try {
    sessionStorage.setItem(`parley.import.${importId}.rows`, String(rows));
  } catch {
    // Private windows may refuse storage: the progress view then shows counts without a total.
  }
}

export function rememberedRowCount(importId: string): number | null {
  try {
    const value = Number(sessionStorage.getItem(`parley.import.${importId}.rows`));
    return Number.isFinite(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}
