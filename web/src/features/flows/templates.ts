import type { FlowGraph } from "../../api/types";
import { newNode } from "./model/nodeTypes";
import type { FlowEdge, FlowNode, NodeOf, NodeType } from "./model/types";

// Flow templates offered when creating a flow and during onboarding. Each is a complete,
// publishable definition: every port connected, every referenced variable declared or saved.
export interface FlowTemplate {
  key: string;
  name: string;
  description: string;
  definition: FlowGraph;
}

const COL = 300;
const ROW = 170;

/** A node at grid cell (col, row) with the contract's defaults and the given fields. */
function at<T extends NodeType>(type: T, id: string, col: number, row: number, fields: Partial<NodeOf<T>> = {}): FlowNode {
  return { ...newNode(type, id, { x: col * COL, y: row * ROW }), ...fields } as FlowNode;
}

const text = (body: string) => ({ message: { kind: "text" as const, body, preview_url: false } });

function edges(...list: [string, string, string][]): FlowEdge[] {
  return list.map(([source, port, target]) => ({ source, port, target }));
}

const keyword = (...keywords: string[]) => ({ kind: "keyword" as const, match: "equals" as const, keywords, priority: 0, exclusive: true });

const greeting: FlowGraph = {
  entry: "greet",
  nodes: [
    at("send_message", "greet", 0, 0, text('Hello {{contact.name | "there"}}! What is your name?')),
    at("wait_for_reply", "ask", 1, 0, { save_to: "name" }),
    at("send_message", "thanks", 2, 0, text("Nice to meet you, {{vars.name}}!")),
    at("end", "bye", 3, 1),
  ],
  edges: edges(["greet", "next", "ask"], ["ask", "reply", "thanks"], ["ask", "timeout", "bye"], ["ask", "invalid", "bye"], ["thanks", "next", "bye"]),
  variables: [{ name: "name", type: "text", default: null }],
  triggers: [keyword("hi")],
};

const leadCapture: FlowGraph = {
  entry: "welcome",
  nodes: [
    at("send_message", "welcome", 0, 0, text('Hi {{contact.name | "there"}}! Happy to send you our prices. What is your name?')),
    at("wait_for_reply", "wait_name", 1, 0, { save_to: "name" }),
    at("send_message", "ask_email", 2, 0, text("Thanks, {{vars.name}}! Which email address should we send them to?")),
    at("wait_for_reply", "wait_email", 3, 0, {
      save_to: "email",
      validation: { kind: "email", options: [], reprompt: "That does not look like an email address. Please try again.", max_reprompts: 2 },
    }),
    at("update_contact", "tag_lead", 1, 1.4, { add_tags: ["lead"], set_fields: { email: "{{vars.email}}" } }),
    at("send_message", "confirm", 2, 1.4, text("Done! Our prices are on their way to {{vars.email}}.")),
    at("end", "done", 3, 1.4),
  ],
  edges: edges(
    ["welcome", "next", "wait_name"],
    ["wait_name", "reply", "ask_email"],
    ["wait_name", "timeout", "done"],
    ["wait_name", "invalid", "done"],
    ["ask_email", "next", "wait_email"],
    ["wait_email", "reply", "tag_lead"],
    ["wait_email", "timeout", "done"],
    ["wait_email", "invalid", "done"],
    ["tag_lead", "next", "confirm"],
    ["confirm", "next", "done"],
  ),
  variables: [
    { name: "name", type: "text", default: null },
    { name: "email", type: "text", default: null },
  ],
  triggers: [keyword("price", "prices", "pricing")],
};

const faqWithAi: FlowGraph = {
  entry: "intro",
  nodes: [
    at("send_message", "intro", 0, 0, text("Ask me anything about our products, delivery or returns.")),
    at("wait_for_reply", "wait_question", 1, 0, { save_to: "question" }),
    at("ai_answer", "answer", 2, 0, { question: "{{vars.question}}", save_to: "answer" }),
    at("send_message", "reply_answer", 3, 0, text("{{vars.answer}}\n\nAnything else? Just ask.")),
    at("send_message", "no_answer_msg", 3, 1.1, text("I could not find that in our help pages. A colleague will answer you here.")),
    at("handover", "to_agent", 2, 2.3, { note: "The AI had no answer for the customer's question." }),
    at("send_message", "error_msg", 1, 1.3, text("Sorry, I cannot answer right now. Please try again in a few minutes.")),
    at("end", "done", 3, 2.3),
  ],
  edges: edges(
    ["intro", "next", "wait_question"],
    ["wait_question", "reply", "answer"],
    ["wait_question", "timeout", "done"],
    ["wait_question", "invalid", "done"],
    ["answer", "answered", "reply_answer"],
    ["answer", "no_answer", "no_answer_msg"],
    ["answer", "error", "error_msg"],
    // Back to waiting: the loop pauses at Wait for reply, so it is not a busy loop.
    ["reply_answer", "next", "wait_question"],
    ["no_answer_msg", "next", "to_agent"],
    ["to_agent", "released", "done"],
    ["error_msg", "next", "done"],
  ),
  variables: [
    { name: "question", type: "text", default: null },
    { name: "answer", type: "text", default: null },
  ],
  triggers: [keyword("help", "faq", "question")],
};

const appointment: FlowGraph = {
  entry: "ask_slot",
  nodes: [
    at("send_message", "ask_slot", 0, 0, {
      message: {
        kind: "buttons",
        body: "Let's book your appointment. Which time of day suits you best?",
        footer: "We confirm every request personally.",
        buttons: [
          { id: "morning", title: "Morning" },
          { id: "afternoon", title: "Afternoon" },
          { id: "evening", title: "Evening" },
        ],
      },
    }),
    at("wait_for_reply", "wait_slot", 1, 0, {
      save_to: "slot",
      validation: { kind: "option", options: ["Morning", "Afternoon", "Evening"], reprompt: "Please tap one of the buttons.", max_reprompts: 2 },
    }),
    at("send_message", "ask_day", 2, 0, text("Which day would you like? For example: Monday 12 May.")),
    at("wait_for_reply", "wait_day", 3, 0, { save_to: "day" }),
    at("update_contact", "save_request", 0, 1.5, {
      add_tags: ["appointment_requested"],
      set_fields: { preferred_slot: "{{vars.day}} ({{vars.slot}})" },
    }),
    at("send_message", "confirm", 1, 1.5, text("Thank you! We will confirm your appointment on {{vars.day}} ({{vars.slot}}) shortly.")),
    at("handover", "confirm_by_agent", 2, 1.5, { note: "Confirm the requested appointment slot." }),
    at("end", "done", 3, 1.5),
  ],
  edges: edges(
    ["ask_slot", "next", "wait_slot"],
    ["wait_slot", "reply", "ask_day"],
    ["wait_slot", "timeout", "done"],
    ["wait_slot", "invalid", "done"],
    ["ask_day", "next", "wait_day"],
    ["wait_day", "reply", "save_request"],
    ["wait_day", "timeout", "done"],
    ["wait_day", "invalid", "done"],
    ["save_request", "next", "confirm"],
    ["confirm", "next", "confirm_by_agent"],
    ["confirm_by_agent", "released", "done"],
  ),
  variables: [
    { name: "slot", type: "text", default: null },
    { name: "day", type: "text", default: null },
  ],
  triggers: [keyword("appointment", "book", "booking")],
};

const reengagement: FlowGraph = {
  entry: "we_miss_you",
  nodes: [
    // Outside the 24-hour window only an approved template may be sent.
    at("send_message", "we_miss_you", 0, 0, {
      message: { kind: "template", name: "we_miss_you", language: "en_US", body_parameters: ['{{contact.name | "there"}}'] },
    }),
    at("wait_for_reply", "wait_answer", 1, 0, { timeout_seconds: 3 * 24 * 3600, save_to: "answer" }),
    at("update_contact", "mark_active", 2, 0, { add_tags: ["re_engaged"], remove_tags: ["inactive"] }),
    at("send_message", "welcome_back", 3, 0, text("Great to hear from you again! Here is 10% off your next order: WELCOME10")),
    at("update_contact", "mark_lost", 2, 1, { add_tags: ["unresponsive"] }),
    at("end", "done", 3, 1.2),
  ],
  edges: edges(
    ["we_miss_you", "next", "wait_answer"],
    ["wait_answer", "reply", "mark_active"],
    ["wait_answer", "timeout", "mark_lost"],
    ["wait_answer", "invalid", "mark_active"],
    ["mark_active", "next", "welcome_back"],
    ["welcome_back", "next", "done"],
    ["mark_lost", "next", "done"],
  ),
  variables: [{ name: "answer", type: "text", default: null }],
  triggers: [{ kind: "campaign", priority: 0, exclusive: true }],
};

export const FLOW_TEMPLATES: FlowTemplate[] = [
  {
    key: "greeting",
    name: "Greeting",
    description: "Answers “hi” with a greeting, asks the customer's name and thanks them.",
    definition: greeting,
  },
  {
    key: "lead_capture",
    name: "Lead capture",
    description: "Asks for a name and a valid email address, tags the contact as a lead and confirms.",
    definition: leadCapture,
  },
  {
    key: "faq_ai",
    name: "FAQ with AI",
    description: "Answers questions from your knowledge base with AI and hands over to an agent when it has no answer.",
    definition: faqWithAi,
  },
  {
    key: "appointment",
    name: "Appointment request",
    description: "Offers time-of-day buttons, asks for a day, records the request and hands it to an agent to confirm.",
    definition: appointment,
  },
  {
    key: "reengagement",
    name: "Re-engagement",
    description: "A campaign template for inactive contacts: re-tags those who answer with an offer, marks the rest.",
    definition: reengagement,
  },
];
