import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

import { currentPlan, stripeEnabled } from "./support/billing";
import { launch, openPage, screenshot, signInPage, signUpByApi, type Account } from "./support/browser";
import { eventually } from "./support/wait";

// The plan and usage page as an owner sees it: the Free plan with a bar per limit, then an
// upgrade through Stripe Checkout end to end (the fake Stripe's hosted page, its signed webhook
// to the gateway, billing's re-read) until the page shows the trial of the plan bought.
let browser: Browser;
const baseUrl = inject("baseUrl");

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

it("shows the Free plan with its usage bars and the plans to compare", async () => {
  const owner: Account = await signUpByApi(baseUrl, "Bill");
  const { page, errors, context } = await openPage(browser, baseUrl);
  await signInPage(page, owner);
  await page.goto(`/w/${owner.workspaceId}/settings`);
  await page.getByRole("tab", { name: "Plan and billing" }).click();
  await page.waitForURL(new RegExp(`/w/${owner.workspaceId}/settings/billing$`));
  await page.getByTestId("current-plan").getByText("Free", { exact: true }).waitFor();
  expect(await page.getByTestId("plan-status").textContent()).toBe("Active");

  const messages = page.getByTestId("usage-messages_sent");
  await messages.getByText("Messages sent").waitFor();
  expect(await messages.getByText("0 of 1,000").count()).toBe(1);
  expect(await page.getByRole("progressbar", { name: "Messages sent: 0 of 1,000" }).count()).toBe(1);
  // The organization's own workspace is the Free plan's one: full, and said to be shared.
  const workspaces = page.getByTestId("usage-workspaces");
  expect(await workspaces.getAttribute("data-level")).toBe("full");
  expect(await workspaces.getByText("1 of 1").count()).toBe(1);
  expect(await workspaces.getByText("Shared by the organization").count()).toBe(1);

  const plans = page.getByRole("table", { name: "Plan comparison" });
  for (const name of ["Free", "Starter", "Pro", "Agency"]) await plans.getByText(name, { exact: true }).first().waitFor();
  await plans.getByText("$29.00/month").waitFor();
  await plans.getByRole("row", { name: /^Published flows/ }).getByText("Unlimited").first().waitFor();
  if (await stripeEnabled(baseUrl, owner)) {
    await plans.getByRole("button", { name: "Upgrade to Starter" }).waitFor();
    await page.getByRole("button", { name: "Manage billing" }).waitFor();
    await page.getByRole("table", { name: "Invoices" }).or(page.getByText("No invoices yet")).waitFor();
  } else {
    await page.getByTestId("assigned-by-admin").getByText(/parley billing assign/).waitFor();
    expect(await plans.getByRole("button").count()).toBe(0);
  }
  await screenshot(page, "settings-billing");
  expect(errors).toEqual([]);
  await context.close();
});

it("upgrades to Starter through Stripe Checkout and shows the trial", async (test) => {
  const owner: Account = await signUpByApi(baseUrl, "Penny");
  if (!(await stripeEnabled(baseUrl, owner))) test.skip(); // a reused system without payments
  const { page, errors, context } = await openPage(browser, baseUrl);
  await signInPage(page, owner);
  await page.goto(`/w/${owner.workspaceId}/settings/billing`);
  await page.getByTestId("current-plan").getByText("Free", { exact: true }).waitFor();
  expect(errors).toEqual([]);

  await page.getByRole("button", { name: "Upgrade to Starter" }).click();
  // Stripe's hosted checkout (the fake's page): pay with the card that works.
  await page.waitForURL(/\/checkout\/cs_/);
  await page.getByRole("heading", { name: /Subscribe to Starter/ }).waitFor();
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  // Stripe returns to /settings/billing?checkout=success, which opens this workspace's page.
  await page.waitForURL(new RegExp(`/w/${owner.workspaceId}/settings/billing`));
  errors.length = 0; // the hosted page's own console (its favicon) is not the app's
  await page.getByText("Payment received — your plan updates in a moment").waitFor();
  await page.getByTestId("current-plan").getByText("Starter", { exact: true }).waitFor({ timeout: 15_000 });
  await page.getByTestId("plan-status").getByText(/^Trial until /).waitFor();
  expect(await currentPlan(baseUrl, owner)).toEqual({ id: "starter", status: "trialing" });
  // The query string is cleaned, so a reload does not announce the payment again.
  expect(new URL(page.url()).search).toBe("");
  // The trial's first invoice (nothing due yet) is listed, with Stripe's links.
  const invoices = page.getByRole("table", { name: "Invoices" });
  await eventually("the trial's invoice", async () => (await invoices.getByRole("row").count()) > 1, 15);
  expect(await invoices.getByRole("link", { name: "PDF" }).first().getAttribute("href")).toMatch(/\/invoice\/in_.+\/pdf$/);
  // Starter is current now: the plans above it are an upgrade, the portal manages the card.
  const plans = page.getByRole("table", { name: "Plan comparison" });
  await plans.getByRole("button", { name: "Upgrade to Pro" }).waitFor();
  expect(await plans.getByRole("button", { name: "Upgrade to Starter" }).count()).toBe(0);
  await screenshot(page, "settings-billing-starter");
  expect(errors).toEqual([]);
  await context.close();
});
