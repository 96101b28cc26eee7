import { beforeEach, describe, expect, it } from "vitest";

import { EMPTY_GRAPH, edgeId, useBuilder } from "./builderStore";

const s = () => useBuilder.getState();

beforeEach(() => {
  s().load(EMPTY_GRAPH);
});

describe("builder history", () => {
  it("undoes and redoes add, move, connect, edit and delete", () => {
    const a = s().addNode("send_message", { x: 0, y: 0 });
    const b = s().addNode("end", { x: 300, y: 0 });
    expect(s().graph.entry).toBe(a);
    s().moveNodes({ [a]: { x: 10, y: 10 } }, false);
    s().moveNodes({ [a]: { x: 50, y: 60 } }, true);
    s().connect(a, "next", b);
    s().updateNode(a, (n) => (n.type === "send_message" ? { ...n, message: { kind: "text", body: "Hi", preview_url: false } } : n));
    s().remove([b], []);
    expect(s().graph.nodes.map((n) => n.id)).toEqual([a]);
    expect(s().graph.edges).toEqual([]);

    s().undo(); // delete
    expect(s().graph.nodes).toHaveLength(2);
    expect(s().graph.edges).toHaveLength(1);
    s().undo(); // edit
    const msg = s().graph.nodes[0];
    expect(msg?.type === "send_message" && msg.message.kind === "text" && msg.message.body).toBe("");
    s().undo(); // connect
    expect(s().graph.edges).toHaveLength(0);
    s().undo(); // the whole drag is one step
    expect(s().graph.nodes[0]?.position).toEqual({ x: 0, y: 0 });
    s().undo();
    s().undo();
    expect(s().graph.nodes).toHaveLength(0);

    s().redo();
    s().redo();
    s().redo();
    expect(s().graph.nodes[0]?.position).toEqual({ x: 50, y: 60 });
    s().redo();
    expect(s().graph.edges.map(edgeId)).toEqual([`${a}:next->${b}`]);
  });

  it("clears redo on a new edit", () => {
    s().addNode("end", { x: 0, y: 0 });
    s().undo();
    expect(s().future).toHaveLength(1);
    s().addNode("delay", { x: 0, y: 0 });
    expect(s().future).toHaveLength(0);
    s().redo();
    expect(s().graph.nodes.map((n) => n.type)).toEqual(["delay"]);
  });

  it("coalesces typing in one field into one step", () => {
    const id = s().addNode("condition", { x: 0, y: 0 });
    for (const expression of ["a", "a ==", "a == 1"])
      s().updateNode(id, (n) => ({ ...n, expression }) as typeof n, `${id}.expression`);
    s().undo();
    expect(s().graph.nodes[0]).toMatchObject({ expression: "" });
  });

  it("replaces an edge when a port is connected again", () => {
    const a = s().addNode("send_message", { x: 0, y: 0 });
    const b = s().addNode("end", { x: 0, y: 0 });
    const c = s().addNode("end", { x: 0, y: 0 });
    s().connect(a, "next", b);
    s().connect(a, "next", c);
    expect(s().graph.edges).toEqual([{ source: a, port: "next", target: c }]);
  });
});

describe("copy and paste", () => {
  it("pastes the selection with new ids and keeps the edges inside it", () => {
    const a = s().addNode("send_message", { x: 0, y: 0 });
    const b = s().addNode("wait_for_reply", { x: 300, y: 0 });
    const c = s().addNode("end", { x: 600, y: 0 });
    s().connect(a, "next", b);
    s().connect(b, "reply", c);
    s().select([a, b], []);
    expect(s().copy()).toBe(true);
    const pasted = s().paste();
    expect(pasted).toEqual(["msg_2", "wait_2"]);
    expect(s().graph.nodes).toHaveLength(5);
    expect(s().graph.edges).toContainEqual({ source: "msg_2", port: "next", target: "wait_2" });
    expect(s().graph.edges.filter((e) => e.source === "wait_2")).toEqual([]);
    expect(s().graph.nodes.find((n) => n.id === "msg_2")?.position).toEqual({ x: 40, y: 40 });
    expect(s().selectedNodes).toEqual(pasted);
    s().undo();
    expect(s().graph.nodes).toHaveLength(3);
  });
});
