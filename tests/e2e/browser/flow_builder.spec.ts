import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

import { launch, openPage, screenshot, signInPage, signUpByApi } from "./support/browser";

// The flow builder end to end: a flow built by dragging nodes from the palette and connecting
// their ports, configured in the side panel, validated by the flow engine, published with a
// note, and found in the version history.
let browser: Browser;
const baseUrl = inject("baseUrl");

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const node = (page: Page, id: string) => page.locator(`[data-node-id="${id}"]`);

async function dropNode(page: Page, label: string, x: number, y: number) {
  const palette = page.getByRole("region", { name: "Node palette" });
  await palette.getByRole("button", { name: label, exact: true }).dragTo(page.getByTestId("flow-canvas"), { targetPosition: { x, y } });
}

async function centre(page: Page, selector: string) {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on the page`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function connect(page: Page, from: string, port: string, to: string) {
  const source = await centre(page, `[data-node-id="${from}"] .react-flow__handle[data-handleid="${port}"]`);
  const target = await centre(page, `[data-node-id="${to}"] .react-flow__handle.target`);
  await page.mouse.move(source.x, source.y);
  await page.mouse.down();
  await page.mouse.move(target.x, target.y, { steps: 12 });
  await page.mouse.up();
  await page.locator(`.react-flow__edge[data-id="${from}:${port}->${to}"]`).waitFor();
}

it("builds a flow by drag and drop, fixes its problems, publishes it and lists version 1", async () => {
  const account = await signUpByApi(baseUrl, "Bea");
  const { page, errors, context } = await openPage(browser, baseUrl);
  await signInPage(page, account);
  await page.goto(`/w/${account.workspaceId}/flows`);
  await page.getByText("No flows yet").waitFor();

  await page.getByRole("button", { name: "New flow" }).click();
  const dialog = page.getByRole("dialog", { name: "New flow" });
  await dialog.getByLabel("Name").fill("Welcome");
  await dialog.getByRole("button", { name: "Create flow" }).click();
  await page.waitForURL(/\/flows\/[^/]+$/);
  await page.getByTestId("flow-canvas").waitFor();

  // send_message → wait_for_reply → send_message → end, each dropped from the palette.
  await dropNode(page, "Send message", 130, 80);
  await node(page, "msg_1").waitFor();
  // A new Send message has no text yet: the node shows the problem until the form fills it.
  await node(page, "msg_1").getByTestId("problem-count").waitFor();
  expect(await node(page, "msg_1").getAttribute("data-problems")).toBe("1");
  expect(await node(page, "msg_1").getAttribute("aria-label")).toBe("Send message node msg_1");
  await page.getByLabel("Message text").fill("Hi! What is your name?");
  await expect.poll(() => node(page, "msg_1").getAttribute("data-problems"), { timeout: 10_000 }).toBeNull();

  await dropNode(page, "Wait for reply", 430, 80);
  await node(page, "wait_1").waitFor();
  await page.getByLabel("Save reply to variable").fill("name");

  await dropNode(page, "Send message", 430, 330);
  await node(page, "msg_2").waitFor();
  await page.getByLabel("Message text").fill("Nice to meet you, {{vars.name}}!");

  await dropNode(page, "End", 130, 330);
  await node(page, "end_1").waitFor();

  await connect(page, "msg_1", "next", "wait_1");
  await connect(page, "wait_1", "reply", "msg_2");
  await connect(page, "wait_1", "timeout", "end_1");
  await connect(page, "wait_1", "invalid", "end_1");
  await connect(page, "msg_2", "next", "end_1");

  // The flow's settings (nothing selected): a keyword trigger.
  await page.locator(".react-flow__pane").click({ position: { x: 20, y: 600 } });
  const settings = page.getByRole("region", { name: "Flow settings" });
  await settings.getByRole("button", { name: "Add trigger" }).click();
  await settings.getByLabel("Keywords").fill("hello");
  await settings.getByLabel("Keywords").press("Enter");

  await page.getByTestId("save-status").getByText("Saved", { exact: true }).waitFor({ timeout: 15_000 });
  await page.getByRole("button", { name: "Problems: No problems" }).waitFor({ timeout: 15_000 });
  await screenshot(page, "flow-builder");

  await page.getByRole("button", { name: "Publish", exact: true }).click();
  const publish = page.getByRole("dialog", { name: "Publish flow" });
  await publish.getByLabel("Version note").fill("First version: greets and asks the name");
  await publish.getByRole("button", { name: "Publish", exact: true }).click();
  await page.getByText("Version 1 is live.").waitFor();

  await page.getByRole("button", { name: "History" }).click();
  const history = page.getByRole("dialog", { name: "Version history" });
  await history.getByRole("list", { name: "Versions" }).getByText("Version 1").waitFor();
  await history.getByText("First version: greets and asks the name").waitFor();
  await history.getByRole("button", { name: "View version 1" }).click();
  await history.getByRole("region", { name: "Version 1" }).locator('[data-node-id="wait_1"]').waitFor();
  await page.keyboard.press("Escape");
  await history.waitFor({ state: "hidden" });

  // Copy and paste a node from the keyboard (a new id), then undo the paste.
  await node(page, "msg_2").click();
  await page.keyboard.press("Control+c");
  await page.keyboard.press("Control+v");
  await node(page, "msg_3").waitFor();
  await page.getByRole("button", { name: "Undo" }).click();
  await node(page, "msg_3").waitFor({ state: "detached" });
  await page.getByTestId("save-status").getByText("Saved", { exact: true }).waitFor({ timeout: 15_000 });

  await page.goto(`/w/${account.workspaceId}/flows`);
  const row = page.getByRole("row", { name: /Welcome/ });
  await row.getByText("Published").waitFor();
  await row.getByText("v1").waitFor();
  await screenshot(page, "flows-list");

  expect(errors).toEqual([]);
  await context.close();
});
