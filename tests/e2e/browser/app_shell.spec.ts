import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

import { launch, openPage, signInPage, signUpByApi } from "./support/browser";

// The gateway serves the built app, and a signed-out visitor is sent to sign in.
let browser: Browser;
const baseUrl = inject("baseUrl");

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

it("sends a signed-out visitor to the sign-in page", async () => {
  const { page, errors, context } = await openPage(browser, baseUrl);
  await page.goto("/w/anything/flows");
  await page.waitForURL(/\/login\?next=/);
  expect(await page.title()).toBe("Parley");
  expect(errors).toEqual([]);
  await context.close();
});

it("keeps a signed-in user's session across a reload", async () => {
  const account = await signUpByApi(baseUrl);
  const { page, errors, context } = await openPage(browser, baseUrl);
  await signInPage(page, account);
  await page.goto("/");
  await page.waitForURL(new RegExp(`/w/${account.workspaceId}/dashboard`));
  await page.getByRole("navigation", { name: "Main" }).getByText("Flows").waitFor();
  expect(errors).toEqual([]);
  await context.close();
});
