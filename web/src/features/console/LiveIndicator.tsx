import { Badge } from "@mantine/core";

import { useLiveStatus } from "../../live/useLiveEvents";

const LOOK = {
  open: { color: "green", label: "Live" },
  connecting: { color: "yellow", label: "Connecting…" },
  closed: { color: "gray", label: "Offline" },
} as const;

// Whether the console is receiving events right now (the socket reconnects on its own).
export function LiveIndicator() {
  const status = useLiveStatus();
  const look = LOOK[status];
  return (
    <Badge color={look.color} variant="dot" role="status" aria-label={`Live updates: ${look.label}`}>
      {look.label}
    </Badge>
  );
}
