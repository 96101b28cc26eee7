import type { FlowNode, NodeOf, NodeType, XY } from "./types";

// Every node type the flow engine runs (libs/contracts/.../flows/nodes.py), with its defaults and
// its output ports. Ports mirror `_Node.ports()` there: the engine refuses an edge from any other.

export interface NodeTypeInfo {
  type: NodeType;
  label: string;
  description: string;
  color: string;
  /** prefix of the ids the builder gives new nodes of this type */
  idPrefix: string;
}

export const NODE_TYPES: NodeTypeInfo[] = [
  { type: "send_message", label: "Send message", description: "Text, media, buttons, a list or a template", color: "blue", idPrefix: "msg" },
  { type: "wait_for_reply", label: "Wait for reply", description: "Pause until the contact answers", color: "cyan", idPrefix: "wait" },
  { type: "condition", label: "Condition", description: "Branch on an expression", color: "grape", idPrefix: "cond" },
  { type: "set_variable", label: "Set variable", description: "Store a value for later nodes", color: "violet", idPrefix: "set" },
  { type: "delay", label: "Delay", description: "Wait a duration or until a time of day", color: "yellow", idPrefix: "delay" },
  { type: "ai_answer", label: "AI answer", description: "Answer from a knowledge base", color: "pink", idPrefix: "ai" },
  { type: "http_request", label: "HTTP request", description: "Call an external API", color: "orange", idPrefix: "http" },
  { type: "update_contact", label: "Update contact", description: "Add or remove tags, set fields", color: "teal", idPrefix: "contact" },
  { type: "handover", label: "Handover", description: "Hand the conversation to an agent", color: "red", idPrefix: "handover" },
  { type: "ab_split", label: "A/B split", description: "Send contacts down weighted branches", color: "indigo", idPrefix: "split" },
  { type: "jump", label: "Jump", description: "Continue at another node or flow", color: "lime", idPrefix: "jump" },
  { type: "end", label: "End", description: "Finish the execution", color: "gray", idPrefix: "end" },
];

const BY_TYPE = new Map(NODE_TYPES.map((info) => [info.type, info]));

export function nodeInfo(type: NodeType): NodeTypeInfo {
  const info = BY_TYPE.get(type);
  if (!info) throw new Error(`unknown node type ${type}`);
  return info;
}

export function isNodeType(value: string): value is NodeType {
  return BY_TYPE.has(value as NodeType);
}

/** The output ports of a node, as the engine's graph validation knows them. */
export function nodePorts(node: FlowNode): string[] {
  switch (node.type) {
    case "condition":
      return ["true", "false"];
    case "wait_for_reply":
      return ["reply", "timeout", "invalid"];
    case "ai_answer":
      return ["answered", "no_answer", "error"];
    case "http_request":
      return ["success", "error"];
    case "handover":
      return ["released"];
    case "ab_split":
      return node.branches.map((b) => b.port);
    case "jump":
    case "end":
      return [];
    default:
      return ["next"];
  }
}

const base = (id: string, position: XY) => ({ id, label: "", position });

/** A new node of a type with the contract's defaults. */
export function newNode<T extends NodeType>(type: T, id: string, position: XY = { x: 0, y: 0 }): NodeOf<T> {
  const b = base(id, position);
  const byType: { [K in NodeType]: () => NodeOf<K> } = {
    send_message: () => ({ ...b, type: "send_message", message: { kind: "text", body: "", preview_url: false } }),
    condition: () => ({ ...b, type: "condition", expression: "" }),
    set_variable: () => ({ ...b, type: "set_variable", variable: "", expression: "" }),
    wait_for_reply: () => ({
      ...b,
      type: "wait_for_reply",
      timeout_seconds: 86400,
      save_to: "",
      validation: { kind: "none", options: [], reprompt: "", max_reprompts: 2 },
    }),
    delay: () => ({ ...b, type: "delay", seconds: 3600, until_time_of_day: null }),
    ai_answer: () => ({
      ...b,
      type: "ai_answer",
      question: "{{reply.text}}",
      knowledge_base_id: "",
      save_to: "",
      timeout_seconds: 20,
      max_attempts: 3,
    }),
    http_request: () => ({
      ...b,
      type: "http_request",
      method: "GET",
      url: "",
      headers: {},
      body: "",
      timeout_seconds: 10,
      max_attempts: 3,
      response_mapping: {},
    }),
    update_contact: () => ({ ...b, type: "update_contact", add_tags: [], remove_tags: [], set_fields: {} }),
    handover: () => ({ ...b, type: "handover", note: "" }),
    ab_split: () => ({
      ...b,
      type: "ab_split",
      branches: [
        { port: "a", weight: 50 },
        { port: "b", weight: 50 },
      ],
    }),
    jump: () => ({ ...b, type: "jump", target_node: "", target_flow: "" }),
    end: () => ({ ...b, type: "end" }),
  };
  return byType[type]() as NodeOf<T>;
}

/** `<prefix>_<n>` with n one above any id of that prefix already taken. */
export function nextNodeId(type: NodeType, taken: Iterable<string>): string {
  const prefix = nodeInfo(type).idPrefix;
  const pattern = new RegExp(`^${prefix}_(\\d+)$`);
  let max = 0;
  for (const id of taken) {
    const match = pattern.exec(id);
    if (match) max = Math.max(max, Number(match[1]));
  }
  return `${prefix}_${max + 1}`;
}

/** One line describing what a node does, for the canvas card. */
export function nodeSummary(node: FlowNode): string {
  switch (node.type) {
    case "send_message": {
      const m = node.message;
      if (m.kind === "template") return m.name ? `Template ${m.name}` : "";
      if (m.kind === "media") return m.caption || m.url;
      return m.body;
    }
    case "condition":
      return node.expression;
    case "set_variable":
      return node.variable ? `${node.variable} = ${node.expression}` : "";
    case "wait_for_reply":
      return node.save_to ? `Saves to ${node.save_to}` : "Any reply";
    case "delay":
      return node.seconds != null ? `${node.seconds} s` : node.until_time_of_day ? `Until ${node.until_time_of_day}` : "";
    case "ai_answer":
      return node.question;
    case "http_request":
      return node.url ? `${node.method} ${node.url}` : "";
    case "update_contact":
      return [...node.add_tags.map((t) => `+${t}`), ...node.remove_tags.map((t) => `−${t}`)].join(" ");
    case "handover":
      return node.note;
    case "ab_split":
      return node.branches.map((b) => `${b.port} ${b.weight}%`).join(" · ");
    case "jump":
      return node.target_node ? `→ ${node.target_node}` : node.target_flow ? `→ flow ${node.target_flow}` : "";
    case "end":
      return "";
  }
}
