import type { FlowGraph } from "../../api/types";

// Flow templates offered when creating a flow and during onboarding. Placeholder list until the
// builder lands its four (lead capture, FAQ with AI, appointment request, re-engagement).
export interface FlowTemplate {
  key: string;
  name: string;
  description: string;
  definition: FlowGraph;
}

export const FLOW_TEMPLATES: FlowTemplate[] = [
  {
    key: "greeting",
    name: "Greeting",
    description: "Answers “hi” with a greeting, asks the customer's name and thanks them.",
    definition: {
      entry: "greet",
      nodes: [
        {
          id: "greet",
          type: "send_message",
          message: { kind: "text", body: 'Hello {{contact.name | "there"}}! What is your name?' },
        },
        { id: "ask", type: "wait_for_reply", save_to: "name" },
        { id: "thanks", type: "send_message", message: { kind: "text", body: "Nice to meet you, {{vars.name}}!" } },
        { id: "bye", type: "end" },
      ],
      edges: [
        { source: "greet", port: "next", target: "ask" },
        { source: "ask", port: "reply", target: "thanks" },
        { source: "ask", port: "timeout", target: "bye" },
        { source: "ask", port: "invalid", target: "bye" },
        { source: "thanks", port: "next", target: "bye" },
      ],
      variables: [{ name: "name" }],
      triggers: [{ kind: "keyword", keywords: ["hi"] }],
    } as FlowGraph,
  },
];
