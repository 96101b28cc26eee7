import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

import { apiCall } from "./support/api";
import { launch, openPage, screenshot, signInPage, signUpByApi, type Account } from "./support/browser";

// The live console and the sandbox phone in the browser, against the whole system: a user talks
// to a published flow as a customer, watches the run on the canvas as it happens, then replays
// it step by step. The flow and the sandbox number are made over the API (this is not a test of
// the builder); everything after is clicks and keys.

let browser: Browser;
const baseUrl = inject("baseUrl");

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

// tests/e2e/test_first_conversation.py's FLOW, laid out left to right.
const GREETER = {
  entry: "greet",
  nodes: [
    {
      id: "greet",
      type: "send_message",
      position: { x: 0, y: 0 },
      message: { kind: "text", body: 'Hello {{contact.name | "there"}}! Your name?' },
    },
    { id: "ask", type: "wait_for_reply", position: { x: 300, y: 0 }, save_to: "name" },
    {
      id: "thanks",
      type: "send_message",
      position: { x: 600, y: 0 },
      message: { kind: "text", body: "Nice to meet you, {{vars.name}}" },
    },
    { id: "bye", type: "end", position: { x: 900, y: 0 } },
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

// A reply-buttons message, then a list message: what the phone must let the customer tap.
const ORDER = {
  entry: "drink",
  nodes: [
    {
      id: "drink",
      type: "send_message",
      position: { x: 0, y: 0 },
      message: {
        kind: "buttons",
        body: "Tea or coffee?",
        buttons: [
          { id: "tea", title: "Tea" },
          { id: "coffee", title: "Coffee" },
        ],
      },
    },
    { id: "pick_drink", type: "wait_for_reply", position: { x: 300, y: 0 }, save_to: "drink" },
    {
      id: "size",
      type: "send_message",
      position: { x: 600, y: 0 },
      message: {
        kind: "list",
        body: "Which size of {{vars.drink}}?",
        button: "Sizes",
        sections: [
          {
            title: "Sizes",
            rows: [
              { id: "small", title: "Small", description: "250 ml" },
              { id: "large", title: "Large", description: "400 ml" },
            ],
          },
        ],
      },
    },
    { id: "pick_size", type: "wait_for_reply", position: { x: 900, y: 0 }, save_to: "size" },
    {
      id: "done",
      type: "send_message",
      position: { x: 1200, y: 0 },
      message: { kind: "text", body: "One {{vars.size}} {{vars.drink}} coming up" },
    },
    { id: "end", type: "end", position: { x: 1500, y: 0 } },
  ],
  edges: [
    { source: "drink", port: "next", target: "pick_drink" },
    { source: "pick_drink", port: "reply", target: "size" },
    { source: "pick_drink", port: "timeout", target: "end" },
    { source: "pick_drink", port: "invalid", target: "end" },
    { source: "size", port: "next", target: "pick_size" },
    { source: "pick_size", port: "reply", target: "done" },
    { source: "pick_size", port: "timeout", target: "end" },
    { source: "pick_size", port: "invalid", target: "end" },
    { source: "done", port: "next", target: "end" },
  ],
  variables: [{ name: "drink" }, { name: "size" }],
  triggers: [{ kind: "keyword", keywords: ["order"] }],
};

// An HTTP call the outbound guard refuses (a link-local address): its failure must show.
const HOOK = "http://169.254.169.254/hook";
const PING = {
  entry: "call",
  nodes: [
    {
      id: "call",
      type: "http_request",
      position: { x: 0, y: 0 },
      method: "POST",
      url: HOOK,
      headers: { "X-Trace": "t1" },
      body: '{"ping": true}',
    },
    { id: "ok", type: "send_message", position: { x: 300, y: -100 }, message: { kind: "text", body: "Pong" } },
    { id: "sorry", type: "send_message", position: { x: 300, y: 100 }, message: { kind: "text", body: "Sorry, that failed" } },
    { id: "end", type: "end", position: { x: 600, y: 0 } },
  ],
  edges: [
    { source: "call", port: "success", target: "ok" },
    { source: "call", port: "error", target: "sorry" },
    { source: "ok", port: "next", target: "end" },
    { source: "sorry", port: "next", target: "end" },
  ],
  variables: [],
  triggers: [{ kind: "keyword", keywords: ["ping"] }],
};


function call(account: Account, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  return apiCall(baseUrl, account, method, `/api/v1/workspaces/${account.workspaceId}${path}`, body);
}

async function publishFlow(account: Account, name: string, graph: unknown): Promise<string> {
  const created = await call(account, "POST", "/flows", { name, graph });
  const flowId = String(created.flow_id);
  await call(account, "POST", `/flows/${flowId}/publish`, { note: "v1" });
  return flowId;
}

async function runsOf(account: Account, flowId: string): Promise<number> {
  const page = await call(account, "GET", `/executions?flow_id=${flowId}`);
  return (page.items as unknown[]).length;
}


async function say(phone: Locator, text: string): Promise<void> {
  const box = phone.getByLabel("Message");
  await box.fill(text);
  await box.press("Enter");
  await expect.poll(() => box.inputValue()).toBe("");
}

/**
 * A published version reaches the trigger router through a read model: a keyword written
 * before it arrives starts nothing. Write it again (as a customer would) until a run starts.
 */
async function startRun(phone: Locator, account: Account, flowId: string, keyword: string): Promise<void> {
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    await say(phone, keyword);
    const waitUntil = Date.now() + 4_000;
    while (Date.now() < waitUntil) {
      if ((await runsOf(account, flowId)) > 0) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`no run of ${flowId} started for "${keyword}"`);
}

function bot(phone: Locator, text: string | RegExp): Locator {
  return phone.locator('[data-direction="bot"]').filter({ hasText: text });
}

async function replayNodes(page: Page): Promise<string[]> {
  const visited: string[] = [];
  await page.getByRole("button", { name: "First step" }).click();
  const next = page.getByRole("button", { name: "Next step" });
  for (let guard = 0; guard < 100; guard++) {
    const current = await page.locator('[data-replay-current="true"]').getAttribute("data-node-id");
    if (current && visited[visited.length - 1] !== current) visited.push(current);
    if (await next.isDisabled()) break;
    const before = await page.getByTestId("replay-position").textContent();
    await next.click();
    await expect.poll(async () => (await page.getByTestId("replay-position").textContent()) !== before).toBe(true);
  }
  return visited;
}

it("chats with a flow in the sandbox phone beside the canvas, watches it live and replays it", async () => {
  const account = await signUpByApi(baseUrl, "Grace");
  await call(account, "POST", "/channels/sandbox", { channel_id: "sandbox", name: "Sandbox" });
  const flowId = await publishFlow(account, "Greeter", GREETER);

  const { page, errors, context } = await openPage(browser, baseUrl);
  await signInPage(page, account);
  await page.goto(`/w/${account.workspaceId}/flows/${flowId}`);
  await page.getByRole("tab", { name: "Console" }).click();

  await page.getByRole("tab", { name: "Sandbox phone" }).click();
  const phone = page.getByRole("region", { name: "Sandbox phone" });
  await phone.getByLabel("Customer name").fill("Grace");
  await startRun(phone, account, flowId, "hi");
  await bot(phone, "Hello Grace! Your name?").waitFor();
  await screenshot(page, "sandbox-phone");

  // The run waits on "ask": the console lists it and the canvas shows a contact on that node.
  await page.getByRole("tab", { name: "Executions" }).click();
  await page.getByRole("status", { name: "Live updates: Live" }).waitFor();
  await page.getByRole("button", { name: /^Execution of Grace, waiting, at ask/ }).waitFor();
  await page.locator('[data-node-id="ask"][data-live="true"]').waitFor();
  await screenshot(page, "live-console");

  await page.getByRole("tab", { name: "Sandbox phone" }).click();
  await say(phone, "Grace");
  await bot(phone, "Nice to meet you, Grace").waitFor();

  await page.getByRole("tab", { name: "Executions" }).click();
  await page.getByRole("button", { name: /^Execution of Grace, completed/ }).click();
  const timeline = page.getByRole("list", { name: "Execution timeline" });
  await timeline.getByText("Reply received").waitFor();
  await timeline.getByText("Nice to meet you, Grace", { exact: true }).waitFor();
  await timeline.getByRole("button", { name: /Completed at bye/ }).waitFor();

  // Step by step, the canvas follows the path the run took.
  expect(await replayNodes(page)).toEqual(["greet", "ask", "thanks", "bye"]);
  // The slider answers the arrow keys too, and the timeline marks the step it stands on.
  const slider = page.getByRole("slider", { name: "Replay position" });
  await slider.focus();
  const last = await page.getByTestId("replay-position").textContent();
  await slider.press("ArrowLeft");
  await expect.poll(async () => (await page.getByTestId("replay-position").textContent()) !== last).toBe(true);
  await page.getByRole("button", { name: "First step" }).click();
  await expect.poll(() => page.getByTestId("replay-position").textContent()).toMatch(/^Step 1 of/);
  await page.locator('[data-node-id="greet"][data-replay-current="true"]').waitFor();
  await page.getByRole("button", { name: "Next step" }).click();
  await expect.poll(() => timeline.locator('[aria-current="step"]').textContent()).toMatch(/Entered node/);
  // Play walks on by itself until paused.
  await page.getByRole("button", { name: "Play" }).click();
  await expect.poll(() => page.getByTestId("replay-position").textContent(), { timeout: 10_000 }).toMatch(/^Step 4 of/);
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Play" }).waitFor();
  await screenshot(page, "replay");

  // Leaving the execution leaves replay mode: nothing on the canvas stays marked as replayed.
  await page.getByRole("button", { name: "Back to executions" }).click();
  await expect.poll(() => page.locator('[data-replay-current="true"]').count()).toBe(0);

  // A newer version that would answer the name differently: the replay says where it parts.
  const offer = { id: "offer", type: "send_message", position: { x: 600, y: 200 }, message: { kind: "text", body: "Want 10% off?" } };
  const v2 = {
    ...GREETER,
    nodes: [...GREETER.nodes, offer],
    edges: [
      ...GREETER.edges.filter((e) => !(e.source === "ask" && e.port === "reply")),
      { source: "ask", port: "reply", target: "offer" },
      { source: "offer", port: "next", target: "thanks" },
    ],
  };
  await call(account, "PUT", `/flows/${flowId}/draft`, { graph: v2 });
  await call(account, "POST", `/flows/${flowId}/publish`, { note: "v2" });
  // The flow's read model may trail the publish by a moment; the builder reads it on load.
  await expect
    .poll(async () => (await call(account, "GET", `/flows/${flowId}`)).latest_version, { timeout: 15_000 })
    .toBe(2);
  await page.reload();
  await page.getByRole("tab", { name: "Console" }).click();
  await page.getByRole("button", { name: /^Execution of .+, completed/ }).click();
  const divergence = page.getByRole("alert").filter({ hasText: "The latest version would diverge" });
  await divergence.getByText(/Version 2 diverges at step 3: it goes to offer where this run went to thanks/).waitFor();

  expect(errors).toEqual([]);
  await context.close();
});

it("offers a sandbox number on the sandbox page and answers buttons and list rows", async () => {
  const account = await signUpByApi(baseUrl, "Sam");
  const flowId = await publishFlow(account, "Order", ORDER);

  const { page, errors, context } = await openPage(browser, baseUrl, { width: 768, height: 1024 });
  await signInPage(page, account);
  await page.goto(`/w/${account.workspaceId}/sandbox`);
  await page.getByRole("heading", { name: "No sandbox number yet" }).waitFor();
  await page.getByRole("button", { name: "Create a sandbox number" }).click();

  const phone = page.getByRole("region", { name: "Sandbox phone" });
  const number = phone.getByLabel("Customer phone");
  expect(await number.inputValue()).toBe("+15550001234");
  await number.fill("12345");
  await phone.getByText(/Customer phone: must be in E\.164 form/).waitFor();
  expect(await phone.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);
  await number.fill("+15550009876");

  await startRun(phone, account, flowId, "order");
  await bot(phone, "Tea or coffee?").waitFor();
  await phone.getByRole("button", { name: "Tea", exact: true }).click();
  await phone.locator('[data-direction="customer"]').filter({ hasText: "Tapped a button" }).waitFor();

  await bot(phone, "Which size of Tea?").waitFor();
  await phone.getByRole("button", { name: "Sizes", exact: true }).click();
  await page.getByRole("dialog", { name: "Sizes" }).getByRole("button", { name: "Large: 400 ml" }).click();
  await bot(phone, "One Large Tea coming up").waitFor();
  // The simulated phone reports the bot's messages delivered.
  await bot(phone, "One Large Tea coming up").getByRole("img", { name: /Delivered|Read/ }).waitFor();
  await screenshot(page, "sandbox-page");

  expect(errors).toEqual([]);
  await context.close();
});

it("shows an HTTP call's request and its failure in the execution's timeline", async () => {
  const account = await signUpByApi(baseUrl, "Hal");
  await call(account, "POST", "/channels/sandbox", { channel_id: "sandbox", name: "Sandbox" });
  const flowId = await publishFlow(account, "Ping", PING);

  const { page, errors, context } = await openPage(browser, baseUrl);
  await signInPage(page, account);
  await page.goto(`/w/${account.workspaceId}/flows/${flowId}`);
  await page.getByRole("tab", { name: "Console" }).click();
  await page.getByRole("tab", { name: "Sandbox phone" }).click();
  const phone = page.getByRole("region", { name: "Sandbox phone" });
  await startRun(phone, account, flowId, "ping");
  await bot(phone, "Sorry, that failed").waitFor();

  await page.getByRole("tab", { name: "Executions" }).click();
  await page.getByRole("button", { name: /^Execution of .+, completed/ }).click();
  const timeline = page.getByRole("list", { name: "Execution timeline" });
  const request = timeline.getByRole("listitem").filter({ hasText: "HTTP request" });
  await request.getByText(HOOK).waitFor();
  await request.getByText("POST", { exact: true }).waitFor();
  await request.getByRole("button", { name: "Request headers" }).click();
  await request.getByText("X-Trace: t1").waitFor();
  await request.getByRole("button", { name: "Request body" }).click();
  await request.getByText('"ping": true').waitFor();
  const failure = timeline.locator('li[data-failed="true"]').filter({ hasText: "HTTP call failed" });
  await failure.getByText(/refused/).waitFor();
  await screenshot(page, "http-call");

  expect(errors).toEqual([]);
  await context.close();
});
