import { ActionIcon, Badge, Button, Divider, Group, Title, Tooltip } from "@mantine/core";
import {
  IconArrowBackUp, IconArrowForwardUp, IconClipboard, IconCopy, IconHistory, IconLayoutSidebarRightCollapse,
  IconLayoutSidebarRightExpand, IconMaximize, IconRocket, IconTrash,
} from "@tabler/icons-react";
import { useReactFlow } from "@xyflow/react";
import type { ReactNode } from "react";

import { useBuilder } from "../state/builderStore";

// The builder's toolbar: history, clipboard, delete, zoom to fit, and what the page adds (save
// status, problems, publish, version history, side panel toggle).

const mod = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘" : "Ctrl+";

function Tool({ label, shortcut, onClick, disabled, children }: { label: string; shortcut?: string; onClick: () => void; disabled?: boolean; children: ReactNode }) {
  return (
    <Tooltip label={shortcut ? `${label} (${shortcut})` : label}>
      <ActionIcon variant="default" size="lg" aria-label={label} onClick={onClick} disabled={disabled}>
        {children}
      </ActionIcon>
    </Tooltip>
  );
}

export function Toolbar({ name, status, unpublished, readOnly, saveIndicator, problems, onPublish, onHistory, panelOpen, onTogglePanel }: {
  name: string;
  status: { label: string; color: string };
  unpublished: boolean;
  readOnly: boolean;
  saveIndicator: ReactNode;
  problems: ReactNode;
  onPublish: () => void;
  onHistory: () => void;
  panelOpen: boolean;
  onTogglePanel: () => void;
}) {
  const canUndo = useBuilder((s) => s.past.length > 0);
  const canRedo = useBuilder((s) => s.future.length > 0);
  const selectedNodes = useBuilder((s) => s.selectedNodes);
  const selectedEdges = useBuilder((s) => s.selectedEdges);
  const hasClip = useBuilder((s) => s.clipboard !== null);
  const { fitView } = useReactFlow();
  const s = useBuilder.getState;
  const selection = selectedNodes.length + selectedEdges.length;

  return (
    <Group justify="space-between" gap="xs" px="xs" py={6} wrap="wrap" style={{ borderBottom: "1px solid var(--mantine-color-default-border)" }}>
      <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
        <Title order={4} maw={260} style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>{name}</Title>
        <Badge color={status.color} variant="light">{status.label}</Badge>
        {unpublished && (
          <Tooltip label="The draft has changes the published version does not">
            <Badge color="orange" variant="dot">Unpublished changes</Badge>
          </Tooltip>
        )}
        {!readOnly && saveIndicator}
      </Group>
      <Group gap={6} wrap="wrap">
        {!readOnly && (
          <>
            <Tool label="Undo" shortcut={`${mod}Z`} onClick={() => s().undo()} disabled={!canUndo}><IconArrowBackUp size={18} /></Tool>
            <Tool label="Redo" shortcut={`${mod}Shift+Z`} onClick={() => s().redo()} disabled={!canRedo}><IconArrowForwardUp size={18} /></Tool>
            <Tool label="Copy selected nodes" shortcut={`${mod}C`} onClick={() => s().copy()} disabled={selectedNodes.length === 0}><IconCopy size={18} /></Tool>
            <Tool label="Paste nodes" shortcut={`${mod}V`} onClick={() => s().paste()} disabled={!hasClip}><IconClipboard size={18} /></Tool>
            <Tool label="Delete selected" shortcut="Delete" onClick={() => s().remove(selectedNodes, selectedEdges)} disabled={selection === 0}><IconTrash size={18} /></Tool>
          </>
        )}
        <Tool label="Zoom to fit" onClick={() => void fitView({ padding: 0.2, duration: 300, maxZoom: 1.1 })}><IconMaximize size={18} /></Tool>
        <Divider orientation="vertical" />
        {problems}
        <Button size="xs" variant="default" leftSection={<IconHistory size={16} />} onClick={onHistory}>History</Button>
        {!readOnly && <Button size="xs" leftSection={<IconRocket size={16} />} onClick={onPublish}>Publish</Button>}
        <Tool label={panelOpen ? "Hide side panel" : "Show side panel"} onClick={onTogglePanel}>
          {panelOpen ? <IconLayoutSidebarRightCollapse size={18} /> : <IconLayoutSidebarRightExpand size={18} />}
        </Tool>
      </Group>
    </Group>
  );
}
