import { Group, Stack, Tabs, Title } from "@mantine/core";
import { IconBroadcast, IconDeviceMobile } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

import type { FlowGraph } from "../../api/types";
import type { LiveEvent } from "../../live/liveClient";
import { SandboxPhone } from "../sandbox/SandboxPhone";
import { consoleKeys } from "./api";
import { ExecutionList } from "./ExecutionList";
import { ExecutionView } from "./ExecutionView";
import { LiveIndicator } from "./LiveIndicator";
import { useFlowConsole } from "./useFlowConsole";

// The panel beside the flow canvas: the live console (executions of this flow as they happen,
// an execution's timeline, the replay scrubber) and the sandbox phone. It paints the canvas
// through useCanvasOverlay (state/canvasOverlay.ts).
export interface FlowSidePanelProps {
  workspaceId: string;
  flowId: string;
  /** the definition shown on the canvas (the draft, or the version being replayed) */
  definition: FlowGraph | null;
  /** the published version number, null while the flow was never published */
  publishedVersion: number | null;
}

const TIMELINE_REFRESH_MS = 300; // a commit's events arrive together: refetch once for them

export function FlowSidePanel({ workspaceId, flowId, definition, publishedVersion }: FlowSidePanelProps) {
  const [tab, setTab] = useState<string>("executions");
  const [selected, setSelected] = useState<string | null>(null);
  const client = useQueryClient();
  const refresh = useRef<ReturnType<typeof setTimeout> | null>(null);
  const selectedRef = useRef(selected);
  useEffect(() => {
    selectedRef.current = selected;
  }, [selected]);
  useEffect(() => () => {
    if (refresh.current) clearTimeout(refresh.current);
  }, []);

  const onEvent = (event: LiveEvent) => {
    const open = selectedRef.current;
    if (event.execution_id !== open || refresh.current) return;
    refresh.current = setTimeout(() => {
      refresh.current = null;
      void client.invalidateQueries({ queryKey: consoleKeys.timeline(workspaceId, open) });
    }, TIMELINE_REFRESH_MS);
  };
  const { pages, executions } = useFlowConsole(workspaceId, flowId, onEvent);
  const execution = executions.find((e) => e.execution_id === selected);

  return (
    <Tabs value={tab} onChange={(value) => setTab(value ?? "executions")} keepMounted={false}>
      <Tabs.List grow>
        <Tabs.Tab value="executions" leftSection={<IconBroadcast size={14} />}>
          Executions
        </Tabs.Tab>
        <Tabs.Tab value="sandbox" leftSection={<IconDeviceMobile size={14} />}>
          Sandbox phone
        </Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="executions" pt="sm">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={5}>Live console</Title>
            <LiveIndicator />
          </Group>
          {selected ? (
            <ExecutionView
              key={selected}
              workspaceId={workspaceId}
              executionId={selected}
              execution={execution}
              definition={definition}
              publishedVersion={publishedVersion}
              onBack={() => setSelected(null)}
            />
          ) : (
            <ExecutionList
              workspaceId={workspaceId}
              definition={definition}
              publishedVersion={publishedVersion}
              pages={pages}
              executions={executions}
              onOpen={setSelected}
              onOpenSandbox={() => setTab("sandbox")}
            />
          )}
        </Stack>
      </Tabs.Panel>
      <Tabs.Panel value="sandbox" pt="sm">
        <SandboxPhone workspaceId={workspaceId} compact />
      </Tabs.Panel>
    </Tabs>
  );
}
