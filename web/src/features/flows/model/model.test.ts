import { describe, expect, it } from "vitest";

import { FLOW_TEMPLATES } from "../templates";
import { checkGraph, checkNode } from "./checks";
import { diffCanvasGraph, diffGraphs } from "./diff";
import { NODE_TYPES, newNode, nodePorts } from "./nodeTypes";
import { fieldProblem, mapProblems, problemsFromFieldErrors } from "./problems";
import type { FlowGraph } from "./types";

describe("templates", () => {
  it.each(FLOW_TEMPLATES.map((t) => [t.key, t] as const))("%s passes the client-side checks", (_key, template) => {
    expect(checkGraph(template.definition)).toEqual([]);
  });

  it("connects every port of every template node", () => {
    for (const { definition } of FLOW_TEMPLATES) {
      for (const node of definition.nodes)
        for (const port of nodePorts(node))
          expect(definition.edges.some((e) => e.source === node.id && e.port === port), `${node.id}.${port}`).toBe(true);
    }
  });

  it("offers the four templates of the issue and the onboarding greeting", () => {
    expect(FLOW_TEMPLATES.map((t) => t.key)).toEqual(["greeting", "lead_capture", "faq_ai", "appointment", "reengagement"]);
    expect(FLOW_TEMPLATES.find((t) => t.key === "faq_ai")?.definition.nodes.some((n) => n.type === "ai_answer")).toBe(true);
  });
});

describe("client checks", () => {
  it("names the missing fields of new nodes", () => {
    expect(checkNode(newNode("send_message", "m"))).toEqual([
      { node_id: "m", field: "message.body", rule: "required: the text to send", severity: "error" },
    ]);
    expect(checkNode(newNode("http_request", "h")).map((p) => p.field)).toEqual(["url"]);
    expect(checkNode({ ...newNode("http_request", "h"), url: "ftp://x" }).map((p) => p.rule)).toEqual([
      "must start with http:// or https://",
    ]);
    expect(checkNode({ ...newNode("wait_for_reply", "w"), timeout_seconds: 5 })[0]?.rule).toBe("must be between 10 and 2592000");
    expect(checkNode({ ...newNode("ab_split", "s"), branches: [{ port: "a", weight: 0 }, { port: "a", weight: 0 }] }).map((p) => p.rule)).toEqual([
      "branch ports must be unique",
      "at least one branch needs a weight above 0",
    ]);
  });

  it("knows every node type", () => {
    for (const { type } of NODE_TYPES) expect(newNode(type, "x").type).toBe(type);
  });
});

describe("problems on nodes", () => {
  it("groups problems per node and keeps the flow's apart", () => {
    const map = mapProblems(
      [
        { node_id: "a", field: "message.body", rule: "required: the text to send", severity: "error" },
        { node_id: "a", field: "ports.next", rule: "port 'next' is not connected", severity: "warning" },
        { node_id: null, field: "entry", rule: "required", severity: "error" },
        { node_id: "gone", field: "url", rule: "required", severity: "error" },
      ],
      ["a", "b"],
    );
    expect(map.byNode.a).toEqual({ errors: 1, warnings: 1, messages: ["message.body: required: the text to send", "ports.next: port 'next' is not connected"] });
    expect(map.byNode.b).toBeUndefined();
    expect(map.flow.map((p) => p.field)).toEqual(["entry", "url"]);
    expect(map.errorCount).toBe(3);
    expect(map.warningCount).toBe(1);
  });

  it("finds a field's problem and reads refused requests' field errors", () => {
    const graph = { nodes: [{ id: "a", type: "send_message" }, { id: "w", type: "wait_for_reply" }] };
    const problems = problemsFromFieldErrors(
      [
        { field: "nodes.a.message.body", rule: "required" },
        { field: "entry", rule: "names no node" },
        { field: "body.graph.nodes.1.wait_for_reply.save_to", rule: "String should match pattern" },
      ],
      graph,
    );
    expect(problems[2]).toMatchObject({ node_id: "w", field: "save_to" });
    expect(problems[0]).toMatchObject({ node_id: "a", field: "message.body" });
    expect(problems[1]).toMatchObject({ node_id: null, field: "entry" });
    expect(fieldProblem(problems, "a", "message.body")).toBe("required");
    expect(fieldProblem(problems, "a", "message")).toBe("required");
    expect(fieldProblem(problems, "b", "message.body")).toBeUndefined();
  });
});

describe("version diff", () => {
  const v1: FlowGraph = {
    entry: "a",
    nodes: [
      { ...newNode("send_message", "a"), message: { kind: "text", body: "Hi", preview_url: false } },
      newNode("end", "b"),
      newNode("end", "c"),
    ],
    edges: [{ source: "a", port: "next", target: "b" }],
    variables: [],
    triggers: [],
  };
  const v2: FlowGraph = {
    ...v1,
    nodes: [
      { ...newNode("send_message", "a", { x: 99, y: 99 }), message: { kind: "text", body: "Hello", preview_url: false } },
      newNode("end", "b", { x: 5, y: 5 }),
      newNode("delay", "d"),
    ],
    edges: [{ source: "a", port: "next", target: "d" }],
    triggers: [{ kind: "api", priority: 0, exclusive: true }],
  };

  it("colours added, removed and changed nodes and lists the changed fields", () => {
    const diff = diffGraphs(v1, v2);
    const status = Object.fromEntries(diff.nodes.map((n) => [n.id, n.status]));
    expect(status).toEqual({ a: "changed", b: "unchanged", c: "removed", d: "added" });
    expect(diff.nodes.find((n) => n.id === "a")?.fields).toEqual(["message.body"]);
    expect(diff.edgesAdded).toEqual(["a.next → d"]);
    expect(diff.edgesRemoved).toEqual(["a.next → b"]);
    expect(diff.flowFields).toEqual(["triggers"]);
    expect(diff.changed).toBe(true);
    expect(diffGraphs(v1, v1).changed).toBe(false);
  });

  it("draws both graphs' nodes and edges on one canvas", () => {
    const union = diffCanvasGraph(v1, v2);
    expect(union.nodes.map((n) => n.id)).toEqual(["a", "b", "d", "c"]);
    expect(union.edges).toHaveLength(2);
  });
});
