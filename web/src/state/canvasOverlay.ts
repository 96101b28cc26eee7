import { create } from "zustand";

// What the live console and the replay scrubber paint over the flow canvas. The console writes
// it; the canvas reads it. Node ids are the flow definition's node ids.
interface CanvasOverlayState {
  /** node id → number of contacts whose execution is on that node right now. */
  liveNodes: Record<string, number>;
  /** the node the replay scrubber stands on, or null when not replaying. */
  replayNode: string | null;
  /** nodes the replayed execution has passed through up to the scrubber, in order. */
  replayPath: string[];
  /** the node whose recent activity should pulse briefly (last event's node). */
  flashNode: string | null;
  setLiveNodes: (nodes: Record<string, number>) => void;
  setReplay: (node: string | null, path: string[]) => void;
  flash: (node: string | null) => void;
  reset: () => void;
}

export const useCanvasOverlay = create<CanvasOverlayState>()((set) => ({
  liveNodes: {},
  replayNode: null,
  replayPath: [],
  flashNode: null,
  setLiveNodes: (liveNodes) => set({ liveNodes }),
  setReplay: (replayNode, replayPath) => set({ replayNode, replayPath }),
  flash: (flashNode) => set({ flashNode }),
  reset: () => set({ liveNodes: {}, replayNode: null, replayPath: [], flashNode: null }),
}));
