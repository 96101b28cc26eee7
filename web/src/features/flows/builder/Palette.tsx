import { ColorSwatch, Group, Paper, ScrollArea, Stack, Text, Tooltip, UnstyledButton } from "@mantine/core";
import type { DragEvent } from "react";

import { NODE_TYPES } from "../model/nodeTypes";
import type { NodeType } from "../model/types";

// Every node type, dragged onto the canvas (HTML5 drag and drop) or added at the canvas's centre
// with a click or Enter, for keyboard users.
export const DRAG_MIME = "application/x-parley-node-type";

export function Palette({ onAdd, disabled }: { onAdd: (type: NodeType) => void; disabled?: boolean }) {
  function start(event: DragEvent, type: NodeType) {
    event.dataTransfer.setData(DRAG_MIME, type);
    event.dataTransfer.setData("text/plain", type);
    event.dataTransfer.effectAllowed = "move";
  }
  return (
    <Paper withBorder radius={0} w={168} style={{ flexShrink: 0, borderTop: 0, borderBottom: 0, borderLeft: 0 }}>
      <ScrollArea h="100%">
        <Stack component="section" aria-label="Node palette" gap={4} p="xs">
          <Text size="xs" fw={700} c="dimmed" tt="uppercase">
            Nodes
          </Text>
          {NODE_TYPES.map((info) => (
            <Tooltip key={info.type} label={`${info.description}. Drag onto the canvas, or press to add.`} position="right" openDelay={400}>
              <UnstyledButton
                draggable={!disabled}
                disabled={disabled}
                onDragStart={(e) => start(e, info.type)}
                onClick={() => onAdd(info.type)}
                data-node-type={info.type}
                aria-label={info.label}
                style={{ cursor: disabled ? "not-allowed" : "grab", borderRadius: "var(--mantine-radius-sm)" }}
              >
                <Paper withBorder px="xs" py={6} radius="sm">
                  <Group gap={8} wrap="nowrap">
                    <ColorSwatch size={10} color={`var(--mantine-color-${info.color}-6)`} withShadow={false} />
                    <Text span size="xs" fw={600}>
                      {info.label}
                    </Text>
                  </Group>
                </Paper>
              </UnstyledButton>
            </Tooltip>
          ))}
        </Stack>
      </ScrollArea>
    </Paper>
  );
}
