// Where the guided tour stands, derived from what the server says exists plus the user's own
// small record (which workspace the tour is about, whether they confirmed it, skipped or
// finished). Pure: the page and the dashboard's "Finish setting up" card both use it.

export type StepKey = "workspace" | "connect" | "flow" | "try";

export const STEPS: { key: StepKey; label: string; description: string }[] = [
  { key: "workspace", label: "Workspace", description: "Name your workspace" },
  { key: "connect", label: "WhatsApp", description: "Connect a number" },
  { key: "flow", label: "First flow", description: "Start from a template" },
  { key: "try", label: "Try it", description: "Talk to your bot" },
];

/** What the server knows about the workspace. */
export interface SetupFacts {
  channels: { channel_id: string; name: string; provider: "sandbox" | "cloud_api"; status: string }[];
  flows: { flow_id: string; name: string; latest_version: number; archived: boolean }[];
  hasExecution: boolean;
}

/** The per-user record kept in the browser. */
export interface TourRecord {
  workspaceId?: string;
  workspaceConfirmed?: boolean;
  skipped?: boolean;
  finished?: boolean;
}

export interface Progress {
  done: Record<StepKey, boolean>;
  /** the first step not done, or null when all are */
  next: StepKey | null;
  remaining: number;
  /** the sandbox number to talk to in the last step */
  sandboxChannelId: string | null;
  /** the published flow that answers, if any */
  publishedFlow: { flow_id: string; name: string } | null;
}

export function deriveProgress(facts: SetupFacts, record: TourRecord): Progress {
  const live = facts.channels.filter((c) => c.status !== "disconnected");
  const sandbox = live.find((c) => c.provider === "sandbox") ?? null;
  const published = facts.flows.find((f) => !f.archived && f.latest_version > 0) ?? null;
  const done: Record<StepKey, boolean> = {
    // A workspace that already has a number was clearly accepted as it is.
    workspace: Boolean(record.workspaceConfirmed) || live.length > 0,
    connect: live.length > 0,
    flow: published !== null,
    try: facts.hasExecution,
  };
  const next = STEPS.find((s) => !done[s.key])?.key ?? null;
  return {
    done,
    next,
    remaining: STEPS.filter((s) => !done[s.key]).length,
    sandboxChannelId: sandbox?.channel_id ?? null,
    publishedFlow: published ? { flow_id: published.flow_id, name: published.name } : null,
  };
}

export function stepIndex(key: StepKey | null): number {
  return key === null ? STEPS.length - 1 : STEPS.findIndex((s) => s.key === key);
}

/** The dashboard offers to finish setting up until every step is done or the tour was finished. */
export function showFinishCard(progress: Progress, record: TourRecord): boolean {
  return progress.remaining > 0 && !record.finished;
}

/** The tour's workspace: the one recorded if the user still belongs to it, else their first. */
export function tourWorkspace(record: TourRecord, memberships: { workspace_id: string }[]): string | null {
  if (record.workspaceId && memberships.some((m) => m.workspace_id === record.workspaceId)) {
    return record.workspaceId;
  }
  return memberships[0]?.workspace_id ?? null;
}
