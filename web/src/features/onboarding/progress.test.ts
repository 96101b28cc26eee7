import { describe, expect, it } from "vitest";

import { deriveProgress, type SetupFacts, showFinishCard, stepIndex, tourWorkspace } from "./progress";

const none: SetupFacts = { channels: [], flows: [], hasExecution: false };
const sandbox = { channel_id: "sandbox", name: "Sandbox", provider: "sandbox" as const, status: "active" };
const draft = { flow_id: "f1", name: "Greeting", latest_version: 0, archived: false };
const live = { ...draft, latest_version: 1 };

describe("deriveProgress", () => {
  it("starts at the workspace for a new account", () => {
    const p = deriveProgress(none, {});
    expect(p.next).toBe("workspace");
    expect(p.remaining).toBe(4);
    expect(stepIndex(p.next)).toBe(0);
  });

  it("moves on once the workspace is confirmed", () => {
    const p = deriveProgress(none, { workspaceConfirmed: true });
    expect(p.next).toBe("connect");
    expect(p.remaining).toBe(3);
  });

  it("counts a connected number as an accepted workspace", () => {
    const p = deriveProgress({ ...none, channels: [sandbox] }, {});
    expect(p.done.workspace).toBe(true);
    expect(p.done.connect).toBe(true);
    expect(p.next).toBe("flow");
    expect(p.sandboxChannelId).toBe("sandbox");
  });

  it("ignores disconnected numbers", () => {
    const p = deriveProgress({ ...none, channels: [{ ...sandbox, status: "disconnected" }] }, {});
    expect(p.done.connect).toBe(false);
    expect(p.sandboxChannelId).toBeNull();
  });

  it("needs a published flow, not a draft or an archived one", () => {
    expect(deriveProgress({ ...none, channels: [sandbox], flows: [draft] }, {}).done.flow).toBe(false);
    expect(deriveProgress({ ...none, flows: [{ ...live, archived: true }] }, {}).done.flow).toBe(false);
    const p = deriveProgress({ ...none, channels: [sandbox], flows: [draft, { ...live, flow_id: "f2" }] }, {});
    expect(p.done.flow).toBe(true);
    expect(p.publishedFlow).toEqual({ flow_id: "f2", name: "Greeting" });
    expect(p.next).toBe("try");
  });

  it("is complete after the first execution", () => {
    const p = deriveProgress({ channels: [sandbox], flows: [live], hasExecution: true }, {});
    expect(p.next).toBeNull();
    expect(p.remaining).toBe(0);
    expect(stepIndex(p.next)).toBe(3);
  });

  it("points a cloud-only workspace to no sandbox", () => {
    const cloud = { channel_id: "c1", name: "Shop", provider: "cloud_api" as const, status: "active" };
    expect(deriveProgress({ ...none, channels: [cloud] }, {}).sandboxChannelId).toBeNull();
  });
});

describe("showFinishCard", () => {
  it("shows while steps remain, also after a skip", () => {
    expect(showFinishCard(deriveProgress(none, {}), { skipped: true })).toBe(true);
  });
  it("hides once finished or when nothing remains", () => {
    expect(showFinishCard(deriveProgress(none, {}), { finished: true })).toBe(false);
    const all = deriveProgress({ channels: [sandbox], flows: [live], hasExecution: true }, {});
    expect(showFinishCard(all, {})).toBe(false);
  });
});

describe("tourWorkspace", () => {
  const memberships = [{ workspace_id: "ws1" }, { workspace_id: "ws2" }];
  it("keeps the recorded workspace while the user is in it", () => {
    expect(tourWorkspace({ workspaceId: "ws2" }, memberships)).toBe("ws2");
  });
  it("falls back to the first one otherwise", () => {
    expect(tourWorkspace({ workspaceId: "gone" }, memberships)).toBe("ws1");
    expect(tourWorkspace({}, memberships)).toBe("ws1");
    expect(tourWorkspace({}, [])).toBeNull();
  });
});
