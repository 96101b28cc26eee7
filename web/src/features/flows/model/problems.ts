import type { FlowProblem } from "./types";

// Validation problems grouped the way the canvas shows them: per node (a red ring, a count, a
// tooltip) and the flow's own (entry, triggers, variables) in the problems list.

export interface NodeProblems {
  errors: number;
  warnings: number;
  messages: string[];
}

export interface ProblemMap {
  byNode: Record<string, NodeProblems>;
  flow: FlowProblem[];
  errorCount: number;
  warningCount: number;
}

export function describeProblem(p: FlowProblem): string {
  return p.field ? `${p.field}: ${p.rule}` : p.rule;
}

/** Problems from several sources (client checks, server validation), without repeats. */
export function mergeProblems(...lists: FlowProblem[][]): FlowProblem[] {
  const seen = new Set<string>();
  const out: FlowProblem[] = [];
  for (const p of lists.flat()) {
    const key = `${p.node_id ?? ""}\u0000${p.field}\u0000${p.rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** A problem naming a node that is no longer on the canvas is the flow's (it cannot be shown on one). */
export function mapProblems(problems: FlowProblem[], nodeIds: Iterable<string>): ProblemMap {
  const ids = new Set(nodeIds);
  const byNode: Record<string, NodeProblems> = {};
  const flow: FlowProblem[] = [];
  let errorCount = 0;
  let warningCount = 0;
  for (const p of problems) {
    const warning = p.severity === "warning";
    if (warning) warningCount += 1;
    else errorCount += 1;
    if (p.node_id && ids.has(p.node_id)) {
      const entry = (byNode[p.node_id] ??= { errors: 0, warnings: 0, messages: [] });
      if (warning) entry.warnings += 1;
      else entry.errors += 1;
      entry.messages.push(describeProblem(p));
    } else {
      flow.push(p);
    }
  }
  return { byNode, flow, errorCount, warningCount };
}

/** The first problem for a field of a node, for the side panel form (`message.body`, `url`...). */
export function fieldProblem(problems: FlowProblem[], nodeId: string | null, field: string): string | undefined {
  return problems.find((p) => (p.node_id ?? null) === nodeId && (p.field === field || p.field.startsWith(`${field}[`) || p.field.startsWith(`${field}.`)))?.rule;
}

/**
 * Problems of a refused request as flow problems. The engine names a node by id
 * (`nodes.<id>.<field>`); the request's own validation by index and type
 * (`body.graph.nodes.<index>.<type>.<field>`).
 */
export function problemsFromFieldErrors(errors: { field: string; rule: string }[], graph: { nodes: { id: string; type: string }[] }): FlowProblem[] {
  const ids = new Set(graph.nodes.map((n) => n.id));
  return errors.map(({ field, rule }) => {
    const clean = field.replace(/^body\./, "").replace(/^graph\./, "");
    const match = /^nodes\.([^.]+)\.?(.*)$/.exec(clean);
    if (match) {
      const [, key = "", rest = ""] = match;
      if (ids.has(key)) return { node_id: key, field: rest, rule, severity: "error" as const };
      const node = /^\d+$/.test(key) ? graph.nodes[Number(key)] : undefined;
      if (node) {
        const inner = rest.startsWith(`${node.type}.`) ? rest.slice(node.type.length + 1) : rest === node.type ? "" : rest;
        return { node_id: node.id, field: inner, rule, severity: "error" as const };
      }
    }
    return { node_id: null, field: clean, rule, severity: "error" as const };
  });
}
