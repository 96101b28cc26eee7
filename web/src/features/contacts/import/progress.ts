import type { ImportView } from "../model";

export interface ImportProgress {
  processed: number;
  total: number | null;
  percent: number | null; // null: no total known while running
  done: boolean;
}

/** How far an import is: rows read so far against the file's rows (when the browser counted them). */
export function importProgress(job: ImportView, knownRows: number | null): ImportProgress {
  const processed = job.totals.rows;
  const done = job.status !== "running";
  const total = done ? processed : knownRows !== null ? Math.max(knownRows, processed) : null;
  const percent = done ? 100 : total ? Math.min(100, Math.round((processed / total) * 100)) : null;
  return { processed, total, percent, done };
}
