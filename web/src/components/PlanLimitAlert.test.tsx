import { MantineProvider } from "@mantine/core";
import { cleanup, render, screen } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { ApiError, planRefusal } from "../api/problems";
import { PlanLimitAlert } from "./PlanLimitAlert";

beforeAll(() => {
  window.matchMedia ??= ((query: string) => ({
    matches: false, media: query, onchange: null,
    addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
});
afterEach(cleanup);

const LIMIT = new ApiError(402, {
  status: 402,
  code: "PLAN_LIMIT_REACHED",
  detail: "published_flows: 3 of 3 used now by this workspace on the Free plan. Upgrade to Starter to lift it.",
  upgrade: { plan_name: "Starter" },
});

function renderAt(path: string, error: unknown) {
  const router = createMemoryRouter(
    [
      { path: "/w/:workspaceId/flows", element: <PlanLimitAlert error={error} /> },
      { path: "/onboarding", element: <PlanLimitAlert error={error} /> },
    ],
    { initialEntries: [path] },
  );
  return render(
    <MantineProvider>
      <RouterProvider router={router} />
    </MantineProvider>,
  );
}

describe("PlanLimitAlert", () => {
  it("shows the gateway's sentence and links to the workspace's plans", () => {
    renderAt("/w/ws1/flows", LIMIT);
    expect(screen.getByRole("alert").textContent).toContain("published_flows: 3 of 3 used now");
    expect(screen.getByText("Your plan's limit is reached")).toBeTruthy();
    const link = screen.getByRole("link", { name: "See plans (Starter lifts it)" });
    expect(link.getAttribute("href")).toBe("/w/ws1/settings/billing");
  });

  it("names a missing feature, and outside a workspace links to the billing redirect", () => {
    const missing = new ApiError(402, { code: "PLAN_FEATURE_MISSING", detail: "api_access: not included in the Free plan." });
    renderAt("/onboarding", missing);
    expect(screen.getByText("Not included in your plan")).toBeTruthy();
    expect(screen.getByRole("link", { name: "See plans" }).getAttribute("href")).toBe("/settings/billing");
  });

  it("renders nothing for any other error", () => {
    const other = new ApiError(409, { code: "CAMPAIGN_BLOCKED", detail: "blocked" });
    const view = renderAt("/w/ws1/flows", other);
    expect(view.container.querySelector("[data-testid=plan-limit]")).toBeNull();
    expect(planRefusal(other)).toBeNull();
    expect(planRefusal(new Error("network"))).toBeNull();
    expect(planRefusal(LIMIT)?.upgrade).toBe("Starter");
  });
});
