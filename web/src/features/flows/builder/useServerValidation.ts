import { useEffect, useMemo, useState } from "react";

import { ApiError } from "../../../api/problems";
import { validateGraph } from "../api";
import { problemsFromFieldErrors } from "../model/problems";
import type { FlowGraph, FlowProblem } from "../model/types";

// The flow engine's validation of the graph on the canvas (saved or not), a moment after the
// last edit. Its answers for a node that changed since are dropped until the next answer: the
// client checks cover the node meanwhile, so a fixed problem disappears at once.

const DEBOUNCE_MS = 600;

interface Answer {
  graph: FlowGraph;
  problems: FlowProblem[];
}

export function useServerValidation(workspaceId: string, flowId: string, graph: FlowGraph, enabled: boolean) {
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const timer = window.setTimeout(async () => {
      try {
        const result = await validateGraph(workspaceId, flowId, graph, controller.signal);
        setAnswer({ graph, problems: result.problems ?? [] });
        setFailure(null);
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.errors.length) {
          setAnswer({ graph, problems: problemsFromFieldErrors(error.errors, graph) });
          setFailure(null);
        } else {
          setFailure(error instanceof Error ? error.message : String(error));
        }
      }
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [workspaceId, flowId, graph, enabled]);

  const fresh = answer?.graph === graph;
  const problems = useMemo(() => !answer
    ? []
    : fresh
      ? answer.problems
      : answer.problems.filter((p) => {
          if (!p.node_id) return answer.graph.triggers === graph.triggers && answer.graph.entry === graph.entry;
          const before = answer.graph.nodes.find((n) => n.id === p.node_id);
          const now = graph.nodes.find((n) => n.id === p.node_id);
          // A problem about the node's edges (ports, cycles) is stale once the edges changed.
          const edgesSame = answer.graph.edges === graph.edges || !/^(ports|edges|node$)/.test(p.field);
          return before === now && edgesSame;
        }), [answer, graph, fresh]);
  return { problems, pending: !fresh, failure };
}
