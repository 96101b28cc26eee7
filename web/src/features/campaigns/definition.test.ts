import { describe, expect, it } from "vitest";

import { NEW_WIZARD, parameterExpression, parameterSource, stepProblem, toDefinition } from "./definition";

describe("parameterExpression", () => {
  it("names the contact path, with a quoted fallback", () => {
    expect(parameterExpression({ source: "name", text: "", fallback: "" })).toBe("{{contact.name}}");
    expect(parameterExpression({ source: "name", text: "", fallback: 'my "friend" {x}' })).toBe('{{contact.name | "my "friend" x"}}');
    expect(parameterExpression({ source: "field:city", text: "", fallback: "" })).toBe("{{contact.fields.city}}");
    expect(parameterExpression({ source: "text", text: "20% off", fallback: "" })).toBe("20% off");
  });

  it("reads back what it wrote", () => {
    for (const p of [
      { source: "name", text: "", fallback: "there" },
      { source: "field:city", text: "", fallback: "" },
      { source: "text", text: "Hello", fallback: "" },
    ]) {
      expect(parameterSource(parameterExpression(p))).toEqual(p);
    }
  });
});

describe("toDefinition", () => {
  const state = { ...NEW_WIZARD, name: " Spring ", channelId: "sandbox", templateName: "spring_sale", filters: { ...NEW_WIZARD.filters, tags: ["vip"] } };

  it("sends a filter audience and a template", () => {
    expect(toDefinition({ ...state, parameters: [{ source: "name", text: "", fallback: "there" }] })).toEqual({
      name: "Spring",
      kind: "template",
      channel_id: "sandbox",
      segment_id: "",
      filter: { kind: "group", match: "all", conditions: [{ kind: "tag", op: "has", tag: "vip" }] },
      template: { kind: "template", name: "spring_sale", language: "en_US", body_parameters: ['{{contact.name | "there"}}'] },
      flow_id: "",
      include_without_opt_in: false,
      max_per_second: 0,
    });
  });

  it("names exactly one audience and one message", () => {
    const d = toDefinition({ ...state, audience: "segment", segmentId: "seg-1", kind: "flow", flowId: "welcome" });
    expect([d.segment_id, d.filter, d.template, d.flow_id]).toEqual(["seg-1", null, null, "welcome"]);
  });
});

describe("stepProblem", () => {
  it("asks for what each step lacks", () => {
    expect(stepProblem(0, NEW_WIZARD)).toMatch(/name/);
    expect(stepProblem(0, { ...NEW_WIZARD, name: "x" })).toMatch(/number/);
    expect(stepProblem(1, { ...NEW_WIZARD, audience: "segment" })).toMatch(/segment/);
    expect(stepProblem(2, NEW_WIZARD)).toMatch(/template/);
    expect(stepProblem(3, { ...NEW_WIZARD, when: "later", sendAt: "2000-01-01T10:00" })).toMatch(/future/);
    expect(stepProblem(3, NEW_WIZARD)).toBeNull();
  });
});
