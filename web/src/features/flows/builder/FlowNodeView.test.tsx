import { MantineProvider } from "@mantine/core";
import { act, render } from "@testing-library/react";
import { ReactFlow, ReactFlowProvider } from "@xyflow/react";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { useCanvasOverlay } from "../../../state/canvasOverlay";
import { newNode } from "../model/nodeTypes";
import type { FlowGraph } from "../model/types";
import { toCanvasEdges, toCanvasNodes } from "./canvasModel";
import { NODE_COMPONENTS } from "./FlowNodeView";

// The canvas contract the live console relies on: data-node-id, data-live, data-replay-current
// and "<type label> node <id>" on every node's root element.

beforeAll(() => {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  window.matchMedia ??= ((query: string) => ({
    matches: false, media: query, onchange: null,
    addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
});
afterEach(() => useCanvasOverlay.getState().reset());

const graph: FlowGraph = {
  entry: "a",
  nodes: [newNode("send_message", "a"), newNode("wait_for_reply", "b", { x: 300, y: 0 }), newNode("end", "c", { x: 600, y: 0 })],
  edges: [{ source: "a", port: "next", target: "b" }],
  variables: [],
  triggers: [],
};

function renderCanvas() {
  const sized = Object.fromEntries(graph.nodes.map((n) => [n.id, { width: 220, height: 80 }]));
  return render(
    <MantineProvider>
      <div style={{ width: 800, height: 600 }}>
        <ReactFlowProvider>
          <ReactFlow nodes={toCanvasNodes(graph, { measured: sized })} edges={toCanvasEdges(graph)} nodeTypes={NODE_COMPONENTS} />
        </ReactFlowProvider>
      </div>
    </MantineProvider>,
  );
}

describe("flow node overlay", () => {
  it("labels every node and paints live counts and the replay position", () => {
    const view = renderCanvas();
    const a = view.container.querySelector('[data-node-id="a"]');
    expect(a?.getAttribute("aria-label")).toBe("Send message node a");
    expect(view.container.querySelector('[data-node-id="b"]')?.getAttribute("aria-label")).toBe("Wait for reply node b");
    expect(a?.querySelectorAll(".react-flow__handle.source")).toHaveLength(1);
    expect(view.container.querySelectorAll('[data-node-id="b"] .react-flow__handle.source')).toHaveLength(3);
    expect(a?.getAttribute("data-live")).toBeNull();

    act(() => useCanvasOverlay.getState().setLiveNodes({ a: 2 }));
    expect(a?.getAttribute("data-live")).toBe("true");
    expect(a?.textContent).toContain("2");

    act(() => useCanvasOverlay.getState().setReplay("b", ["a", "b"]));
    const b = view.container.querySelector<HTMLElement>('[data-node-id="b"]');
    const c = view.container.querySelector<HTMLElement>('[data-node-id="c"]');
    expect(b?.getAttribute("data-replay-current")).toBe("true");
    expect(a?.getAttribute("data-visited")).toBe("true");
    expect(c?.style.opacity).toBe("0.45");
    expect(b?.style.opacity).toBe("1");
  });
});
