import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

import { RESULTS } from "./support/global-setup";
import { apiCall } from "./support/api";
import { type Account, launch, openPage, screenshot, signUpByApi } from "./support/browser";
import { eventuallyValue } from "./support/wait";

// A workspace with some activity (a sandbox number, a published flow, customers writing to it,
// all made over the API) shows its figures on the dashboard; the first load is measured.
let browser: Browser;
const baseUrl = inject("baseUrl");
let account: Account;

const GREETING = {
  entry: "greet",
  nodes: [
    { id: "greet", type: "send_message", message: { kind: "text", body: "Hello! What is your name?" } },
    { id: "ask", type: "wait_for_reply", save_to: "name" },
    { id: "thanks", type: "send_message", message: { kind: "text", body: "Nice to meet you, {{vars.name}}!" } },
    { id: "bye", type: "end" },
  ],
  edges: [
    { source: "greet", port: "next", target: "ask" },
    { source: "ask", port: "reply", target: "thanks" },
    { source: "ask", port: "timeout", target: "bye" },
    { source: "ask", port: "invalid", target: "bye" },
    { source: "thanks", port: "next", target: "bye" },
  ],
  variables: [{ name: "name" }],
  triggers: [{ kind: "keyword", keywords: ["hi"] }],
};



function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  return apiCall(baseUrl, account, method, path, body);
}

/** A context whose very first navigation is already signed in (nothing cached yet). */
async function freshSignedIn(viewport?: { width: number; height: number }) {
  const session = await openPage(browser, baseUrl, viewport);
  await session.context.addInitScript((tokens: Record<string, unknown>) => {
    if (!localStorage.getItem("parley.session")) {
      localStorage.setItem("parley.session", JSON.stringify({ state: { tokens }, version: 0 }));
    }
  }, account.tokens);
  return session;
}

async function metricValue(page: Page, key: string): Promise<number> {
  const value = await page.getByTestId(`metric-${key}`).locator("[data-value]").getAttribute("data-value");
  return Number(value);
}

beforeAll(async () => {
  browser = await launch();
  account = await signUpByApi(baseUrl, "Dash");
  const ws = `/api/v1/workspaces/${account.workspaceId}`;
  await call("POST", `${ws}/channels/sandbox`, { channel_id: "sandbox", name: "Sandbox" });
  const created = await call("POST", `${ws}/flows`, { name: "Greeting", graph: GREETING });
  await call("POST", `${ws}/flows/${String(created.flow_id)}/publish`, {});
  // A message written before the published flow reaches the read models would start nothing.
  await eventuallyValue("the published flow", async () => {
    const flows = (await call("GET", `${ws}/flows`)) as { items: { latest_version: number }[] };
    return flows.items.some((f) => f.latest_version > 0) ? true : null;
  });
  for (const phone of ["+15550002001", "+15550002002", "+15550002003"]) {
    await call("POST", `${ws}/channels/sandbox/sandbox/messages`, { phone, text: "hi" });
  }
  await eventuallyValue("the dashboard's figures", async () => {
    const d = (await call("GET", `${ws}/dashboard?hours=24`)) as {
      messages: { sent: number; replies: number };
      executions: { started: number };
    };
    return d.messages.sent >= 3 && d.messages.replies >= 3 && d.executions.started >= 3 ? d : null;
  });
});

afterAll(async () => {
  await browser?.close();
});

it("shows a busy workspace's figures, and measures the first load", async () => {
  const { page, errors, context } = await freshSignedIn();
  const url = `/w/${account.workspaceId}/dashboard`;
  await page.goto(url);
  await page.getByTestId("metric-sent").locator("[data-value]").waitFor();
  // The page marks the first render of the cards with data; navigation start is time 0.
  const timing = await page.evaluate(() => {
    const mark = performance.getEntriesByName("parley:dashboard-metrics")[0];
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    // What the first load fetched of the app itself (scripts and styles), on the wire and unpacked.
    const code = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).filter((r) =>
      /\/assets\/.+\.(js|css)$/.test(new URL(r.name).pathname),
    );
    return {
      metrics_rendered_ms: mark ? Math.round(mark.startTime) : null,
      code_files: code.length,
      code_transferred_bytes: code.reduce((sum, r) => sum + r.encodedBodySize, 0),
      code_decoded_bytes: code.reduce((sum, r) => sum + r.decodedBodySize, 0),
      dom_content_loaded_ms: nav ? Math.round(nav.domContentLoadedEventEnd) : null,
      load_event_ms: nav ? Math.round(nav.loadEventEnd) : null,
    };
  });
  expect(timing.metrics_rendered_ms).toBeGreaterThan(0);
  const report = { url, viewport: "1440x900", measured_at: new Date().toISOString(), ...timing };
  console.log(`dashboard first load: ${timing.metrics_rendered_ms} ms to metric cards with data`, report);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, "dashboard-first-load.json"), `${JSON.stringify(report, null, 2)}\n`);

  expect(await metricValue(page, "sent")).toBeGreaterThanOrEqual(3);
  expect(await metricValue(page, "replies")).toBeGreaterThanOrEqual(3);
  await page.getByRole("heading", { name: "Messages over time" }).waitFor();
  await page.getByRole("heading", { name: "Conversions per flow" }).waitFor();
  await page.getByText("Greeting: ", { exact: false }).waitFor();
  await page.getByRole("img", { name: "Health score 100 of 100" }).or(page.getByText("Healthy: nothing to fix.")).first().waitFor();
  // Only the sandbox is connected: the list says so and leads to the tour.
  const realNumber = page.getByRole("link", { name: "Connect a real WhatsApp number" });
  await realNumber.waitFor();
  expect(await realNumber.getAttribute("href")).toBe("/onboarding");
  await screenshot(page, "dashboard");

  // Another period, and the figures follow.
  await page.getByText("7 d", { exact: true }).click();
  await page.getByText("Per day, UTC").waitFor();
  expect(await metricValue(page, "sent")).toBeGreaterThanOrEqual(3);

  // Light mode.
  await page.getByRole("button", { name: "Toggle color scheme" }).click();
  await page.waitForFunction(() => document.documentElement.getAttribute("data-mantine-color-scheme") === "light");
  await page.mouse.move(600, 850); // away from the toggle's tooltip
  await screenshot(page, "dashboard-light");
  expect(errors).toEqual([]);
  await context.close();
});

it("updates live when a customer writes", async () => {
  const { page, errors, context } = await freshSignedIn();
  await page.goto(`/w/${account.workspaceId}/dashboard`);
  await page.getByTestId("metric-replies").locator("[data-value]").waitFor();
  const before = await metricValue(page, "replies");
  await call("POST", `/api/v1/workspaces/${account.workspaceId}/channels/sandbox/sandbox/messages`, {
    phone: "+15550002009",
    text: "hi",
  });
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="metric-replies"] [data-value]')?.getAttribute("data-value")) > n,
    before,
    { timeout: 20_000 },
  );
  expect(errors).toEqual([]);
  await context.close();
});

it("fits a tablet", async () => {
  const { page, errors, context } = await freshSignedIn({ width: 768, height: 1024 });
  await page.goto(`/w/${account.workspaceId}/dashboard`);
  await page.getByTestId("metric-sent").locator("[data-value]").waitFor();
  await page.getByRole("heading", { name: "Number health" }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, "dashboard-tablet");
  expect(errors).toEqual([]);
  await context.close();
});
