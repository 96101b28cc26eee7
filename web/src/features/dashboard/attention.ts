import type { AttentionItem, Severity } from "./types";

// Where each "needs attention" item leads, and how loud it is.

export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: "red",
  warning: "yellow",
  info: "blue",
};

export function attentionHref(workspaceId: string, target: AttentionItem["target"]): string {
  const base = `/w/${workspaceId}`;
  const id = target.id ? `/${encodeURIComponent(target.id)}` : "";
  switch (target.page) {
    case "numbers":
      return `${base}/settings/numbers`;
    case "flows":
      return `${base}/flows${id}`;
    case "executions":
      // Executions are read beside their flow; without one, the flow list is where they start.
      return target.id ? `${base}/flows?execution=${encodeURIComponent(target.id)}` : `${base}/flows`;
    case "campaigns":
      return `${base}/campaigns${id}`;
    case "onboarding":
      return "/onboarding";
    default:
      return `${base}/dashboard`;
  }
}
