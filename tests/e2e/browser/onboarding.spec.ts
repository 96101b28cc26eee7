import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

import { launch, openPage, screenshot, signInPage, signUpByApi } from "./support/browser";

// The whole guided tour in the browser, from the sign-up form to the dashboard, and leaving the
// tour half-way then resuming it from the account menu.
let browser: Browser;
const baseUrl = inject("baseUrl");

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function stepHeading(page: Page, label: string) {
  await page.getByRole("button", { name: new RegExp(label) }).first().waitFor();
}

it("signs up, connects the sandbox, publishes a first flow, talks to the bot and lands on the dashboard", async () => {
  const { page, errors, context } = await openPage(browser, baseUrl);
  await page.goto("/signup");
  await page.getByRole("heading", { name: "Create your account" }).waitFor();

  // The API's password rule shows on the field.
  const email = `tour-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.getByLabel("Your name").fill("Tess Tour");
  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("textbox", { name: "Password" }).fill("short");
  await page.getByLabel("Workspace name").fill("Tess Bakery");
  await screenshot(page, "signup");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("password must be at least 8 characters long").waitFor();
  await page.getByRole("textbox", { name: "Password" }).fill("correct horse 42");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/onboarding$/);

  // (a) the workspace named at sign-up, confirmed. Sign-up already confirmed it, so the tour
  // opens at the number; going back to it shows the name.
  await stepHeading(page, "Workspace");
  await page.getByRole("button", { name: /Workspace/ }).first().click();
  await page.getByTestId("tour-workspace-name").getByText("Tess Bakery").waitFor();
  await page.getByRole("button", { name: "Continue with this workspace" }).click();

  // (b) the sandbox in one click.
  await page.getByRole("button", { name: "Connect the sandbox" }).waitFor();
  await screenshot(page, "onboarding-connect");
  await page.getByRole("button", { name: "Connect the sandbox" }).click();

  // (c) the greeting template, created and published.
  await page.getByRole("button", { name: "Use the Greeting template" }).waitFor();
  await screenshot(page, "onboarding-flow");
  await page.getByRole("button", { name: "Use the Greeting template" }).click();
  await page.getByText("“Greeting” is live").waitFor({ timeout: 30_000 });
  await page.getByRole("button", { name: "Continue", exact: true }).click();

  // (d) "hi" in the sandbox phone, and the bot's answer.
  await page.getByText("Write “hi” in the phone below").waitFor();
  const message = page.getByRole("textbox", { name: "Message" });
  await message.fill("hi");
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText(/What is your name\?/).first().waitFor({ timeout: 30_000 });
  await page.getByText("Your bot answered").waitFor({ timeout: 30_000 });
  await screenshot(page, "onboarding-sandbox");

  await page.getByRole("button", { name: "Finish and open the dashboard" }).click();
  await page.waitForURL(/\/w\/[^/]+\/dashboard$/);
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
  await page.getByTestId("metric-replies").waitFor();
  // Every step is done: no reminder.
  expect(await page.getByRole("heading", { name: "Finish setting up" }).count()).toBe(0);
  // The refused short password is the one failed request the browser logs.
  expect(errors.filter((e) => !e.includes("status of 422"))).toEqual([]);
  await context.close();
});

it("skips the tour, reminds on the dashboard, and resumes it from the account menu", async () => {
  const account = await signUpByApi(baseUrl, "Skipper");
  const { page, errors, context } = await openPage(browser, baseUrl);
  await signInPage(page, account);
  await page.goto("/onboarding");
  await page.getByRole("button", { name: "Continue with this workspace" }).waitFor();
  await page.getByRole("button", { name: "Skip the tour" }).click();
  await page.waitForURL(new RegExp(`/w/${account.workspaceId}/dashboard$`));
  await page.getByRole("heading", { name: "Finish setting up" }).waitFor();
  await page.getByText("0 of 4 steps done", { exact: false }).waitFor();
  // A new workspace shows the way to start instead of empty charts.
  await page.getByRole("heading", { name: "Nothing to show yet" }).waitFor();

  await page.getByRole("button", { name: "Account" }).click();
  await page.getByRole("menuitem", { name: "Resume the guided tour" }).click();
  await page.waitForURL(/\/onboarding$/);
  await page.getByRole("button", { name: "Continue with this workspace" }).waitFor();
  await page.getByRole("button", { name: "Continue with this workspace" }).click();
  await page.getByRole("button", { name: "Connect the sandbox" }).waitFor();

  // Cloud API credentials that break the contract's rules: each field says which rule.
  await page.getByRole("button", { name: "Connect a real number (WhatsApp Cloud API)" }).click();
  await page.getByRole("textbox", { name: "Phone number ID" }).fill("not-a-number");
  await page.getByRole("textbox", { name: "WhatsApp Business Account ID" }).fill("12345");
  await page.getByRole("textbox", { name: "Access token" }).fill("short");
  await page.getByRole("textbox", { name: "App secret" }).fill("short");
  await page.getByRole("textbox", { name: "Verify token" }).fill("short");
  await page.getByRole("button", { name: "Check and connect" }).click();
  await page.getByText("must be the numeric id shown in WhatsApp Manager").first().waitFor();
  const phoneField = page.getByRole("textbox", { name: "Phone number ID" });
  expect(await phoneField.getAttribute("aria-invalid")).toBe("true");

  // Leaving again keeps what was done: the workspace step counts.
  await page.getByRole("button", { name: "Skip the tour" }).click();
  await page.getByText("1 of 4 steps done", { exact: false }).waitFor();
  // The refused credentials are the one failed request the browser logs.
  expect(errors.filter((e) => !e.includes("status of 422"))).toEqual([]);
  await context.close();
});

it("signs in with ?next= and shows a wrong password", async () => {
  const account = await signUpByApi(baseUrl, "Nexter");
  const { page, errors, context } = await openPage(browser, baseUrl);
  await page.goto(`/w/${account.workspaceId}/dashboard`);
  await page.waitForURL(/\/login\?next=/);
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByRole("textbox", { name: "Password" }).fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").getByText("wrong e-mail or password").waitFor();
  await page.getByRole("textbox", { name: "Password" }).fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(new RegExp(`/w/${account.workspaceId}/dashboard$`));
  // The refused wrong password is the one failed request the browser logs.
  expect(errors.filter((e) => !e.includes("status of 401"))).toEqual([]);
  await context.close();
});
