import { nodePorts } from "./nodeTypes";
import type { FlowGraph, FlowNode, FlowProblem, FlowTrigger, MessageContent } from "./types";

// Client-side checks mirroring the contract's constraints (lengths, ranges, patterns, enums of
// libs/contracts/.../flows) and the engine's "required before publishing" rules
// (flow_engine/domain/node_fields.py), so the form answers before the server does. The server's
// validation stays the authority; these only make mistakes visible while typing.

export const NODE_ID = /^[A-Za-z0-9_-]+$/;
export const VARIABLE = /^[a-z_][a-z0-9_]*$/;
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
const BRANCH_PORT = /^[a-z0-9_]+$/;
export const MAX_DELAY_SECONDS = 30 * 24 * 3600;

type Out = FlowProblem[];

function add(out: Out, node: string | null, field: string, rule: string, severity: "error" | "warning" = "error") {
  out.push({ node_id: node, field, rule, severity });
}

function maxLen(out: Out, node: string | null, field: string, value: string, max: number) {
  if (value.length > max) add(out, node, field, `at most ${max} characters (has ${value.length})`);
}

function range(out: Out, node: string | null, field: string, value: number, min: number, max: number, integer = true) {
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) add(out, node, field, integer ? "must be a whole number" : "must be a number");
  else if (value < min || value > max) add(out, node, field, `must be between ${min} and ${max}`);
}

function required(out: Out, node: string | null, field: string, present: boolean, what: string) {
  if (!present) add(out, node, field, `required: ${what}`);
}

function optionalVariable(out: Out, node: string | null, field: string, value: string) {
  if (value && !VARIABLE.test(value)) add(out, node, field, "lowercase letters, digits and _ only, not starting with a digit");
  maxLen(out, node, field, value, 64);
}

function uniqueValues(out: Out, node: string | null, field: string, values: string[], what: string) {
  if (new Set(values).size !== values.length) add(out, node, field, `${what} must be unique`);
}

function checkMessage(out: Out, id: string, m: MessageContent) {
  switch (m.kind) {
    case "text":
      required(out, id, "message.body", !!m.body, "the text to send");
      maxLen(out, id, "message.body", m.body, 4096);
      break;
    case "media":
      required(out, id, "message.url", !!m.url, "the URL of the file to send");
      maxLen(out, id, "message.url", m.url, 2048);
      maxLen(out, id, "message.caption", m.caption, 1024);
      maxLen(out, id, "message.filename", m.filename, 240);
      break;
    case "buttons":
      required(out, id, "message.body", !!m.body, "the text above the buttons");
      required(out, id, "message.buttons", m.buttons.length > 0, "at least one button");
      maxLen(out, id, "message.body", m.body, 1024);
      maxLen(out, id, "message.footer", m.footer, 60);
      if (m.buttons.length > 3) add(out, id, "message.buttons", "at most 3 buttons");
      m.buttons.forEach((b, i) => {
        if (!b.title) add(out, id, `message.buttons[${i}].title`, "required: the button's title");
        maxLen(out, id, `message.buttons[${i}].title`, b.title, 20);
        if (!b.id) add(out, id, `message.buttons[${i}].id`, "required: the button's id");
      });
      uniqueValues(out, id, "message.buttons", m.buttons.map((b) => b.title), "button titles");
      uniqueValues(out, id, "message.buttons", m.buttons.map((b) => b.id), "button ids");
      break;
    case "list": {
      const rows = m.sections.flatMap((s) => s.rows);
      required(out, id, "message.body", !!m.body, "the text above the list");
      required(out, id, "message.button", !!m.button, "the label of the list button");
      required(out, id, "message.sections", rows.length > 0, "at least one row");
      maxLen(out, id, "message.body", m.body, 4096);
      maxLen(out, id, "message.header", m.header, 60);
      maxLen(out, id, "message.footer", m.footer, 60);
      maxLen(out, id, "message.button", m.button, 20);
      if (rows.length > 10) add(out, id, "message.sections", `a list has at most 10 rows (has ${rows.length})`);
      rows.forEach((r, i) => {
        if (!r.title) add(out, id, `message.sections.rows[${i}].title`, "required: the row's title");
        maxLen(out, id, `message.sections.rows[${i}].title`, r.title, 24);
      });
      uniqueValues(out, id, "message.sections", rows.map((r) => r.id), "row ids");
      break;
    }
    case "template":
      required(out, id, "message.name", !!m.name, "the approved template's name");
      maxLen(out, id, "message.name", m.name, 512);
      maxLen(out, id, "message.language", m.language, 15);
      break;
  }
}

export function checkNode(node: FlowNode, graph?: FlowGraph): FlowProblem[] {
  const out: Out = [];
  const id = node.id;
  if (!NODE_ID.test(id) || id.length > 64) add(out, id, "id", "1–64 letters, digits, _ or -");
  maxLen(out, id, "label", node.label ?? "", 80);
  switch (node.type) {
    case "send_message":
      checkMessage(out, id, node.message);
      break;
    case "condition":
      required(out, id, "expression", !!node.expression, "the condition to test");
      maxLen(out, id, "expression", node.expression, 2000);
      break;
    case "set_variable":
      required(out, id, "variable", !!node.variable, "the variable to set");
      optionalVariable(out, id, "variable", node.variable);
      required(out, id, "expression", !!node.expression, "the value to give it");
      maxLen(out, id, "expression", node.expression, 2000);
      break;
    case "wait_for_reply":
      range(out, id, "timeout_seconds", node.timeout_seconds, 10, MAX_DELAY_SECONDS);
      optionalVariable(out, id, "save_to", node.save_to);
      if (node.validation.kind === "option")
        required(out, id, "validation.options", node.validation.options.length > 0, "the options a reply must match");
      if (node.validation.options.length > 20) add(out, id, "validation.options", "at most 20 options");
      maxLen(out, id, "validation.reprompt", node.validation.reprompt, 1024);
      range(out, id, "validation.max_reprompts", node.validation.max_reprompts, 0, 10);
      break;
    case "delay":
      required(out, id, "seconds", node.seconds != null || node.until_time_of_day != null, "a duration, or a time of day in until_time_of_day");
      if (node.seconds != null && node.until_time_of_day != null)
        add(out, id, "seconds", "set either seconds or until_time_of_day, not both");
      if (node.seconds != null) range(out, id, "seconds", node.seconds, 1, MAX_DELAY_SECONDS);
      if (node.until_time_of_day != null && !TIME_OF_DAY.test(node.until_time_of_day))
        add(out, id, "until_time_of_day", "a time of day as HH:MM (24 h)");
      break;
    case "ai_answer":
      required(out, id, "question", !!node.question, "the question to answer");
      maxLen(out, id, "question", node.question, 2000);
      maxLen(out, id, "knowledge_base_id", node.knowledge_base_id, 64);
      optionalVariable(out, id, "save_to", node.save_to);
      if (!(node.timeout_seconds > 0 && node.timeout_seconds <= 120)) add(out, id, "timeout_seconds", "must be above 0 and at most 120");
      range(out, id, "max_attempts", node.max_attempts, 1, 10);
      break;
    case "http_request":
      required(out, id, "url", !!node.url, "the URL to call");
      maxLen(out, id, "url", node.url, 2048);
      if (node.url && !/^(https?:\/\/|\{\{)/.test(node.url)) add(out, id, "url", "must start with http:// or https://");
      if (!["GET", "POST", "PUT", "PATCH", "DELETE"].includes(node.method)) add(out, id, "method", "one of GET, POST, PUT, PATCH, DELETE");
      maxLen(out, id, "body", node.body, 20000);
      if (!(node.timeout_seconds > 0 && node.timeout_seconds <= 30)) add(out, id, "timeout_seconds", "must be above 0 and at most 30");
      range(out, id, "max_attempts", node.max_attempts, 1, 10);
      if (Object.keys(node.headers ?? {}).length > 30) add(out, id, "headers", "at most 30 headers");
      if (Object.keys(node.response_mapping ?? {}).length > 30) add(out, id, "response_mapping", "at most 30 mappings");
      for (const name of Object.keys(node.response_mapping ?? {})) optionalVariable(out, id, "response_mapping", name);
      break;
    case "update_contact":
      required(out, id, "add_tags", node.add_tags.length + node.remove_tags.length + Object.keys(node.set_fields ?? {}).length > 0, "at least one tag or field to change");
      if (node.add_tags.length > 20) add(out, id, "add_tags", "at most 20 tags");
      if (node.remove_tags.length > 20) add(out, id, "remove_tags", "at most 20 tags");
      if (Object.keys(node.set_fields ?? {}).length > 30) add(out, id, "set_fields", "at most 30 fields");
      break;
    case "handover":
      maxLen(out, id, "note", node.note, 500);
      break;
    case "ab_split": {
      const ports = node.branches.map((b) => b.port);
      if (node.branches.length < 2 || node.branches.length > 5) add(out, id, "branches", "between 2 and 5 branches");
      node.branches.forEach((b, i) => {
        if (!BRANCH_PORT.test(b.port) || b.port.length > 32) add(out, id, `branches[${i}].port`, "1–32 lowercase letters, digits or _");
        range(out, id, `branches[${i}].weight`, b.weight, 0, 100);
      });
      uniqueValues(out, id, "branches", ports, "branch ports");
      if (node.branches.reduce((sum, b) => sum + b.weight, 0) === 0) add(out, id, "branches", "at least one branch needs a weight above 0");
      break;
    }
    case "jump":
      required(out, id, "target_node", !!node.target_node !== !!node.target_flow, "exactly one of target_node or target_flow");
      if (graph && node.target_node && !graph.nodes.some((n) => n.id === node.target_node))
        add(out, id, "target_node", `names no node of this flow ('${node.target_node}')`);
      break;
    case "end":
      break;
  }
  return out;
}

function checkTrigger(out: Out, index: number, t: FlowTrigger) {
  const field = `triggers[${index}]`;
  range(out, null, `${field}.priority`, t.priority, -100, 100);
  if (t.kind === "keyword") {
    if (t.keywords.length === 0) add(out, null, `${field}.keywords`, "required: at least one keyword");
    if (t.keywords.some((k) => k.length > 200)) add(out, null, `${field}.keywords`, "a keyword has at most 200 characters");
  } else if (t.kind === "button_payload" && t.payloads.length === 0) {
    add(out, null, `${field}.payloads`, "required: at least one button payload");
  } else if (t.kind === "tag_added" && !t.tag) {
    add(out, null, `${field}.tag`, "required: the tag that starts the flow");
  }
}

/** Every client-side problem of a graph: nodes, entry, edges, variables, triggers. */
export function checkGraph(graph: FlowGraph): FlowProblem[] {
  const out: Out = [];
  const ids = new Set(graph.nodes.map((n) => n.id));
  if (graph.nodes.length === 0) add(out, null, "nodes", "a flow needs at least one node");
  else if (!graph.entry) add(out, null, "entry", "required: choose the node executions start at");
  else if (!ids.has(graph.entry)) add(out, null, "entry", `names no node of this flow ('${graph.entry}')`);
  uniqueValues(out, null, "nodes", graph.nodes.map((n) => n.id), "node ids");
  for (const node of graph.nodes) out.push(...checkNode(node, graph));
  const connected = new Set<string>();
  graph.edges.forEach((edge, index) => {
    const source = graph.nodes.find((n) => n.id === edge.source);
    if (!source) return add(out, null, `edges[${index}]`, `dangling edge: source node '${edge.source}' does not exist`);
    if (!ids.has(edge.target)) add(out, edge.source, `edges[${index}]`, `dangling edge: target node '${edge.target}' does not exist`);
    if (!nodePorts(source).includes(edge.port)) add(out, edge.source, `edges[${index}]`, `a ${source.type} node has no port '${edge.port}'`);
    const key = `${edge.source}\u0000${edge.port}`;
    if (connected.has(key)) add(out, edge.source, `edges[${index}]`, `port '${edge.port}' is connected more than once`);
    connected.add(key);
  });
  graph.variables.forEach((v, i) => {
    if (!VARIABLE.test(v.name) || v.name.length > 64) add(out, null, `variables[${i}].name`, "lowercase letters, digits and _ only, not starting with a digit");
  });
  uniqueValues(out, null, "variables", graph.variables.map((v) => v.name), "variable names");
  graph.triggers.forEach((t, i) => checkTrigger(out, i, t));
  return out;
}
