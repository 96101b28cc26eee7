import type { FlowGraph } from "../../api/types";

// Small display helpers shared by the console's views.

const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const DATE_TIME = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  const today = new Date().toDateString() === date.toDateString();
  return (today ? TIME : DATE_TIME).format(date);
}

export const STATUS_COLOR: Record<string, string> = {
  running: "blue",
  waiting: "yellow",
  completed: "green",
  failed: "red",
  cancelled: "gray",
};

/** A node's label on the canvas, or its id when it has none (or the canvas does not have it). */
export function nodeName(definition: FlowGraph | null, nodeId: string | null): string {
  if (!nodeId) return "—";
  const node = definition?.nodes.find((n) => n.id === nodeId);
  return node?.label || nodeId;
}
