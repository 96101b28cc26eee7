import { Button, Group, Loader, Text, Tooltip } from "@mantine/core";
import { IconAlertTriangle, IconCheck, IconPencil } from "@tabler/icons-react";

import type { SaveStatus } from "./useAutosave";

// "Saved / Saving… / Unsaved changes / Save failed: reason", announced politely.
export function SaveIndicator({ status, onRetry }: { status: SaveStatus; onRetry: () => void }) {
  return (
    <Group gap={6} wrap="nowrap" role="status" aria-live="polite" data-testid="save-status">
      {status.state === "saved" && (
        <>
          <IconCheck size={16} color="var(--mantine-color-green-6)" />
          <Text size="sm" c="dimmed">Saved</Text>
        </>
      )}
      {status.state === "saving" && (
        <>
          <Loader size={14} />
          <Text size="sm" c="dimmed">Saving…</Text>
        </>
      )}
      {status.state === "dirty" && (
        <>
          <IconPencil size={16} />
          <Text size="sm" c="dimmed">Unsaved changes</Text>
        </>
      )}
      {status.state === "error" && (
        <>
          <IconAlertTriangle size={16} color="var(--mantine-color-red-6)" />
          <Tooltip label={status.reason} multiline w={320}>
            <Text size="sm" c="red" maw={260} truncate>
              Save failed: {status.reason}
            </Text>
          </Tooltip>
          <Button size="compact-xs" variant="light" color="red" onClick={onRetry}>Retry</Button>
        </>
      )}
    </Group>
  );
}
