import { Text } from "@mantine/core";

import type { FlowGraph } from "../../api/types";

// The panel beside the flow canvas: the live console (executions of this flow as they happen,
// an execution's timeline, the replay scrubber) and the sandbox phone. It paints the canvas
// through useCanvasOverlay (state/canvasOverlay.ts). Placeholder until the console lands.
export interface FlowSidePanelProps {
  workspaceId: string;
  flowId: string;
  /** the definition shown on the canvas (the draft, or the version being replayed) */
  definition: FlowGraph | null;
  /** the published version number, null while the flow was never published */
  publishedVersion: number | null;
}

export function FlowSidePanel(_props: FlowSidePanelProps) {
  return <Text c="dimmed">The live console appears here.</Text>;
}
