import { Box, Drawer, ScrollArea, Tabs } from "@mantine/core";

import { FlowSidePanel } from "../../console/FlowSidePanel";
import { FlowSettings } from "../forms/FlowSettings";
import { NodeForm } from "../forms/NodeForm";
import type { FlowGraph, FlowProblem } from "../model/types";
import { useBuilder } from "../state/builderStore";

// The right-hand panel: the selected node's form (or the flow's settings) and the live console.
// Beside the canvas on wide screens, a drawer on tablets.
export function SidePanel({ wide, opened, onClose, tab, onTab, problems, readOnly, workspaceId, flowId, publishedVersion, graph }: {
  wide: boolean;
  opened: boolean;
  onClose: () => void;
  tab: string;
  onTab: (tab: string) => void;
  problems: FlowProblem[];
  readOnly: boolean;
  workspaceId: string;
  flowId: string;
  publishedVersion: number | null;
  graph: FlowGraph;
}) {
  const selected = useBuilder((s) => (s.selectedNodes.length === 1 ? s.graph.nodes.find((n) => n.id === s.selectedNodes[0]) : undefined));
  const content = (
    <Tabs value={tab} onChange={(t) => t && onTab(t)} keepMounted h="100%" style={{ display: "flex", flexDirection: "column" }}>
      <Tabs.List>
        <Tabs.Tab value="node">{selected ? "Node" : "Flow"}</Tabs.Tab>
        <Tabs.Tab value="console">Console</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="node" style={{ flex: 1, minHeight: 0 }}>
        <ScrollArea h="100%" type="auto">
          <Box p="sm">
            {selected ? <NodeForm node={selected} problems={problems} readOnly={readOnly} /> : <FlowSettings problems={problems} readOnly={readOnly} />}
          </Box>
        </ScrollArea>
      </Tabs.Panel>
      <Tabs.Panel value="console" style={{ flex: 1, minHeight: 0 }}>
        <ScrollArea h="100%" type="auto">
          <Box p="sm">
            <FlowSidePanel workspaceId={workspaceId} flowId={flowId} definition={graph} publishedVersion={publishedVersion} />
          </Box>
        </ScrollArea>
      </Tabs.Panel>
    </Tabs>
  );
  if (!wide) {
    return (
      <Drawer opened={opened} onClose={onClose} position="right" size={380} title="Flow panel" styles={{ body: { height: "calc(100% - 60px)", padding: 0 } }}>
        {content}
      </Drawer>
    );
  }
  return (
    <Box component="aside" aria-label="Side panel" w={opened ? 400 : 0} style={{ flexShrink: 0, overflow: "hidden", borderLeft: opened ? "1px solid var(--mantine-color-default-border)" : 0 }}>
      {opened && content}
    </Box>
  );
}
