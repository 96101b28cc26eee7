import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

import { launch, openPage, screenshot, signInPage, signUpByApi } from "./support/browser";
import { REPO } from "./support/global-setup";
import { eventually } from "./support/wait";

// Lead capture over the website source, against the scraper's fixture business site
// (parley.scraper.testing.fixture_site) on 127.0.0.1, which the test stack's outbound policy
// allows (OUTBOUND_ALLOW_PRIVATE in the global setup). The job's progress shows as it runs, its
// leads with the no-consent notice, and the contact it made carries the captured-lead badge.
let browser: Browser;
let site: ChildProcess;
let siteUrl = "";
const baseUrl = inject("baseUrl");

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  browser = await launch();
  const port = await freePort();
  site = spawn(join(REPO, ".venv/bin/python"), ["-m", "parley.scraper.testing.fixture_site", "--port", `${port}`]);
  siteUrl = `http://127.0.0.1:${port}`;
  await eventually("the fixture site", async () => (await fetch(`${siteUrl}/robots.txt`)).ok, 20);
});
afterAll(async () => {
  site?.kill("SIGTERM");
  await browser?.close();
});

// A job or contact read a moment after it was made may still be a 404 of the read model, which
// the page retries; chromium logs each as a console error.
function unexpected(errors: string[]): string[] {
  return errors.filter((e) => !/Failed to load resource: the server responded with a status of 404/.test(e));
}

it("captures leads from a website, with progress and the no-consent notice", async () => {
  const account = await signUpByApi(baseUrl, "Lea");
  const { page, errors } = await openPage(browser, baseUrl);
  await signInPage(page, account);

  await page.goto(`/w/${account.workspaceId}/leads`);
  await page.getByRole("heading", { name: "Lead capture", exact: true }).waitFor();
  await page.getByTestId("no-consent-notice").first().waitFor();
  await page.getByText("No lead captures yet").waitFor();

  // Places has no key here: its option is disabled, with the setting it needs.
  const form = page.getByRole("region", { name: "Start a lead capture" });
  await form.getByLabel("Source", { exact: true }).first().click();
  const places = page.getByRole("option", { name: /Google Places/ });
  expect(await places.getAttribute("data-combobox-disabled")).toBe("true");
  expect(await places.innerText()).toMatch(/GOOGLE_PLACES_API_KEY/);
  await page.getByRole("option", { name: /Websites/ }).click();

  await form.getByLabel("Sites").fill(siteUrl);
  await form.getByLabel("Country").fill("PT");
  await form.getByLabel("Tags").fill("bakery");
  await form.getByLabel("Tags").press("Enter");
  await form.getByRole("button", { name: "Start" }).click();

  // The job's own page: progress until it completes, then its leads.
  await page.waitForURL(/\/leads\/job-[A-Za-z0-9_-]+$/);
  await page.getByTestId("job-status").filter({ hasText: "completed" }).waitFor({ timeout: 60_000 });
  const leads = page.getByRole("table", { name: "Leads" });
  await leads.waitFor();
  expect(await leads.innerText()).toContain("+351");
  expect(await page.getByLabel(/^New leads: [1-9]/).count()).toBe(1);
  expect(await page.getByTestId("no-consent-notice").innerText()).toContain(
    "Captured leads have no opt-in. They are saved as contacts without consent and cannot receive marketing templates until consent is recorded.",
  );
  await screenshot(page, "lead-job");

  // The jobs list shows it with its counts.
  await page.getByRole("link", { name: "Lead capture" }).first().click();
  const row = page.getByTestId("job-row").first();
  await row.getByText("completed").waitFor();
  expect(await row.getByLabel("Counts").innerText()).toMatch(/\d+ found · [1-9]\d* new leads · \d+ duplicates · \d+ errors/);
  await screenshot(page, "leads");

  // The notice links to Contacts, where the lead's contact says it has no consent.
  await page.getByRole("link", { name: "See them in Contacts" }).click();
  await page.waitForURL(/\/contacts$/);
  await eventually(
    "the captured lead's contact",
    async () => {
      await page.reload();
      await page.getByRole("table", { name: "Contacts" }).waitFor({ timeout: 3_000 });
      return (await page.getByTestId("captured-lead").count()) > 0;
    },
    30,
  );
  expect(unexpected(errors)).toEqual([]);
});
