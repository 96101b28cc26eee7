import { useCallback, useEffect, useRef, useState } from "react";

import { ApiError, describeError } from "../../../api/problems";
import { problemsFromFieldErrors } from "../model/problems";
import { saveDraft } from "../api";
import type { FlowGraph } from "../model/types";

// Saves the draft a moment after the last edit. Saves run one at a time; a failed save keeps
// the edits (they live in the builder store) and is retried on the next edit or on request.

export type SaveStatus = { state: "saved" } | { state: "saving" } | { state: "dirty" } | { state: "error"; reason: string };

const DEBOUNCE_MS = 800;

export function useAutosave(workspaceId: string, flowId: string, graph: FlowGraph, enabled: boolean) {
  const [status, setStatus] = useState<SaveStatus>({ state: "saved" });
  const saved = useRef<FlowGraph | null>(null);
  const latest = useRef(graph);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const failed = useRef(false);

  useEffect(() => {
    latest.current = graph;
  }, [graph]);

  const save = useCallback((): Promise<boolean> => {
    const run = chain.current.then(async () => {
      const target = latest.current;
      if (target === saved.current) return;
      setStatus({ state: "saving" });
      try {
        await saveDraft(workspaceId, flowId, target);
        saved.current = target;
        failed.current = false;
        setStatus(latest.current === target ? { state: "saved" } : { state: "dirty" });
        // Edited (or undone) while saving: the newer graph needs its own save.
        if (latest.current !== target) window.setTimeout(() => void saveRef.current(), DEBOUNCE_MS);
      } catch (error) {
        failed.current = true;
        setStatus({ state: "error", reason: saveFailure(error, target) });
      }
    });
    chain.current = run;
    return run.then(() => !failed.current && saved.current === latest.current);
  }, [workspaceId, flowId]);
  const saveRef = useRef(save);
  useEffect(() => {
    saveRef.current = save;
  }, [save]);

  useEffect(() => {
    if (!enabled) return;
    if (saved.current === null) {
      // The graph the builder loaded is what the server has.
      saved.current = graph;
      return;
    }
    if (graph === saved.current) {
      // Back to what the server has (an undo): nothing to save.
      setStatus((s) => (s.state === "saving" ? s : { state: "saved" }));
      return;
    }
    setStatus((s) => (s.state === "error" ? s : { state: "dirty" }));
    const timer = window.setTimeout(() => void save(), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [graph, enabled, save]);

  useEffect(
    () => () => {
      // Leaving the builder within the debounce: save what is pending rather than drop it.
      if (saved.current !== null && latest.current !== saved.current) void saveDraft(workspaceId, flowId, latest.current).catch(() => undefined);
    },
    [workspaceId, flowId],
  );

  useEffect(() => {
    if (status.state === "saved") return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [status.state]);

  return { status, save };
}

/** Why a save failed, naming the node and field when the server said which. */
function saveFailure(error: unknown, graph: FlowGraph): string {
  if (error instanceof ApiError && error.errors.length) {
    return problemsFromFieldErrors(error.errors, graph)
      .map((p) => `${p.node_id ? `${p.node_id} ` : ""}${p.field}: ${p.rule}`)
      .join("; ");
  }
  return describeError(error);
}
