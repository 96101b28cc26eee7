import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

import { RESULTS } from "./global-setup";

// Debian's chromium, headless, driven by playwright-core (which downloads no browser).
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen so far; a test asserts it stays empty. */
  errors: string[];
}

export async function openPage(
  browser: Browser,
  baseUrl: string,
  viewport = { width: 1440, height: 900 },
): Promise<Session> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return { context, page, errors };
}

/** Saved as web/test-results/screenshots/<name>.png (CI keeps the folder as an artifact). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(RESULTS, "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

export interface Account {
  email: string;
  password: string;
  workspaceId: string;
  tokens: Record<string, unknown>;
}

/** A new user signed up over the API (for tests that are not about onboarding). */
export async function signUpByApi(baseUrl: string, name = "Tess"): Promise<Account> {
  const email = `${name.toLowerCase()}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = "correct horse 42";
  const response = await fetch(`${baseUrl}/api/v1/auth/signup`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password, name }),
  });
  if (!response.ok) throw new Error(`signup: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { tokens: Record<string, unknown>; workspace: { id: string } };
  return { email, password, workspaceId: body.workspace.id, tokens: body.tokens };
}

/** Put the account's session where the app keeps it, so the next page load is signed in. */
export async function signInPage(page: Page, account: Account): Promise<void> {
  await page.goto("/login");
  await page.evaluate((tokens: Record<string, unknown>) => {
    localStorage.setItem("parley.session", JSON.stringify({ state: { tokens }, version: 0 }));
  }, account.tokens);
}
