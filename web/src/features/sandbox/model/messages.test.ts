import { describe, expect, it } from "vitest";

import { bubbleOf, mergeMessages, messageModel, phoneProblem, replyMessage, type SandboxMessage } from "./messages";

const out = (content: Record<string, unknown>) => ({ direction: "outbound" as const, content });

describe("sandbox messages as the phone shows them", () => {
  it("renders the bot's text", () => {
    expect(bubbleOf(out({ type: "text", text: { body: "Hello Grace!" } }))).toEqual({ kind: "text", text: "Hello Grace!" });
  });

  it("renders reply buttons as tappable choices", () => {
    const bubble = bubbleOf(
      out({
        type: "interactive",
        interactive: {
          type: "button",
          body: { text: "Pick one" },
          footer: { text: "fine print" },
          action: { buttons: [{ type: "reply", reply: { id: "yes", title: "Yes" } }, { type: "reply", reply: { id: "no", title: "No" } }] },
        },
      }),
    );
    expect(bubble).toEqual({ kind: "buttons", header: "", text: "Pick one", footer: "fine print", buttons: [{ id: "yes", title: "Yes" }, { id: "no", title: "No" }] });
  });

  it("renders a list message with its button and sections", () => {
    const bubble = bubbleOf(
      out({
        type: "interactive",
        interactive: {
          type: "list",
          header: { type: "text", text: "Menu" },
          body: { text: "What would you like?" },
          action: { button: "See options", sections: [{ title: "Drinks", rows: [{ id: "tea", title: "Tea", description: "hot" }] }] },
        },
      }),
    );
    expect(bubble).toEqual({
      kind: "list",
      header: "Menu",
      text: "What would you like?",
      footer: "",
      button: "See options",
      sections: [{ title: "Drinks", rows: [{ id: "tea", title: "Tea", description: "hot" }] }],
    });
  });

  it("renders media and templates as readable cards", () => {
    expect(bubbleOf(out({ type: "image", image: { link: "https://x/a.png", caption: "A" } }))).toEqual({ kind: "media", mediaType: "image", url: "https://x/a.png", caption: "A", filename: "" });
    expect(
      bubbleOf(out({ type: "template", template: { name: "welcome", language: { code: "en" }, components: [{ type: "body", parameters: [{ type: "text", text: "Ada" }] }] } })),
    ).toEqual({ kind: "template", name: "welcome", language: "en", parameters: ["Ada"] });
    expect(bubbleOf(out({ type: "location" })).kind).toBe("unknown");
  });

  it("renders the customer's own text and taps", () => {
    expect(bubbleOf({ direction: "inbound", content: { type: "text", text: "hi", reply_id: "" } })).toEqual({ kind: "text", text: "hi" });
    expect(bubbleOf({ direction: "inbound", content: { type: "button", text: "Yes", reply_id: "yes" } })).toEqual({ kind: "reply", text: "Yes", replyKind: "button" });
  });

  it("puts the customer's messages on their side, with ticks from the status", () => {
    const message: SandboxMessage = { message_id: "m", direction: "outbound", phone: "1555", content: { type: "text", text: { body: "x" } }, status: "delivered", at: "t", position: 3 };
    expect(messageModel(message)).toMatchObject({ mine: false, ticks: "delivered" });
    expect(messageModel({ ...message, direction: "inbound", status: "" })).toMatchObject({ mine: true, ticks: "none" });
  });

  it("sends a tap as a button or list reply", () => {
    expect(replyMessage({ phone: "+15550001234", name: "Sam" }, "list", { id: "tea", title: "Tea" })).toEqual({ phone: "+15550001234", profile_name: "Sam", message_type: "list", text: "Tea", reply_id: "tea" });
  });

  it("validates the customer phone as E.164", () => {
    expect(phoneProblem("+15550001234")).toBeNull();
    expect(phoneProblem("")).toMatch(/required/);
    expect(phoneProblem("15550001234")).toMatch(/E\.164/);
    expect(phoneProblem("+0123")).toMatch(/E\.164/);
  });

  it("merges overlapping pages oldest first", () => {
    const m = (id: string, position: number): SandboxMessage => ({ message_id: id, direction: "inbound", phone: "1", content: {}, status: "", at: "t", position });
    expect(mergeMessages([[m("b", 2), m("a", 1)], [m("b", 2), m("c", 3)]]).map((x) => x.message_id)).toEqual(["a", "b", "c"]);
  });
});
