import { describe, expect, it } from "vitest";

import type { TimelineStep } from "./replay";
import { describeStep, eventTitle, messagePreview, stepContext } from "./stepView";

const step = (event: string, detail: Record<string, unknown>, node_id: string | null = "n"): TimelineStep => ({
  index: 1,
  event: `exec.${event}`,
  node_id,
  at: "2026-01-01T00:00:00Z",
  detail,
});

describe("timeline steps", () => {
  it("shows an AI answer with its sources", () => {
    const steps = [
      step("ExternalCallRequested", { request_id: "r1", call: "ai", request: { question: "Open?", knowledge_base_id: "kb" } }),
      step("ExternalCallAnswered", {
        request_id: "r1",
        port: "answered",
        result: { answer: "At 9.", sources: [{ document_id: "d1", title: "Hours", snippet: "We open at 9" }, "faq.md#2"] },
      }),
    ];
    const kinds = stepContext(steps);
    expect(describeStep(steps[0]!, kinds)).toMatchObject({ title: "AI question", body: { kind: "ai_question", question: "Open?" } });
    expect(describeStep(steps[1]!, kinds).body).toEqual({
      kind: "ai_answer",
      answer: "At 9.",
      error: "",
      sources: [
        { title: "Hours", documentId: "d1", snippet: "We open at 9" },
        { title: "faq.md#2", documentId: "faq.md#2", snippet: "" },
      ],
    });
  });

  it("shows an HTTP exchange: the request, then the response's status and body", () => {
    const steps = [
      step("ExternalCallRequested", {
        request_id: "r2",
        call: "http",
        attempt: 2,
        request: { method: "POST", url: "https://crm.example/leads", headers: { "X-Key": "k" }, body: '{"a":1}' },
      }),
      step("ExternalCallAnswered", { request_id: "r2", port: "error", result: { status: 503, json: null, text: "busy", error: "HTTP 503" } }),
    ];
    const kinds = stepContext(steps);
    const request = describeStep(steps[0]!, kinds);
    expect(request.title).toBe("HTTP request (attempt 2)");
    expect(request.body).toEqual({ kind: "http_request", request: { method: "POST", url: "https://crm.example/leads", headers: { "X-Key": "k" }, body: '{"a":1}' } });
    const response = describeStep(steps[1]!, kinds);
    expect(response).toMatchObject({ title: "HTTP call failed", failed: true, tone: "red" });
    expect(response.body).toEqual({ kind: "http_response", response: { status: 503, headers: {}, body: "busy", error: "HTTP 503" } });
  });

  it("pretty-prints a JSON response body", () => {
    const answered = step("ExternalCallAnswered", { request_id: "x", port: "ok", result: { status: 201, json: { id: 7 } } });
    const body = describeStep(answered, { calls: new Map([["x", "http"]]), messages: new Map() }).body;
    expect(body.kind === "http_response" && body.response.body).toBe('{\n  "id": 7\n}');
  });

  it("shows messages sent with their buttons and replies received", () => {
    const sent = describeStep(
      step("MessageSendRequested", { message: { kind: "buttons", body: "Pick", buttons: [{ id: "a", title: "A" }, { id: "b", title: "B" }] } }),
    );
    expect(sent.body).toEqual({ kind: "message", text: "Pick", choices: ["A", "B"] });
    expect(describeStep(step("ReplyAccepted", { text: "Grace" })).body).toEqual({ kind: "message", text: "Grace", choices: [] });
  });

  it("marks failures red", () => {
    expect(describeStep(step("ExecutionFailed", { reason: "no such node" }))).toMatchObject({ failed: true, tone: "red", body: { kind: "text", text: "no such node" } });
    const sent = step("MessageSendRequested", { command_id: "m1", message: { kind: "text", body: "Hello!" } }, "greet");
    const status = step("MessageStatusRecorded", { command_id: "m1", status: "failed", code: "131026", reason: "undeliverable" }, "ask");
    expect(describeStep(status, stepContext([sent, status]))).toMatchObject({
      failed: true,
      title: "Status: failed",
      body: { kind: "text", text: "“Hello!”: 131026 undeliverable" },
      about: "greet",
    });
    expect(describeStep(step("ExternalCallFailed", { error: "timeout", timed_out: true, retry_at: "t" })).failed).toBe(true);
  });

  it("names event types for people", () => {
    expect(eventTitle("exec.NodeEntered")).toBe("Entered node");
    expect(eventTitle("exec.SomethingNew")).toBe("SomethingNew");
  });

  it("previews list, media and template messages in a line", () => {
    expect(messagePreview({ kind: "list", body: "Menu", sections: [{ rows: [{ id: "1", title: "One" }] }] })).toEqual({ text: "Menu", choices: ["One"] });
    expect(messagePreview({ kind: "media", media_type: "image", url: "https://x/y.png" }).text).toBe("image: https://x/y.png");
    expect(messagePreview({ kind: "template", name: "welcome", language: "en" }).text).toBe("template welcome (en)");
  });
});
