import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

import { launch, openPage, screenshot, signInPage, signUpByApi } from "./support/browser";
import { eventually } from "./support/wait";

// Contacts and campaigns end to end: a CSV imported through the page (2 of its 20 rows bad), the
// contacts filtered and one tagged, then a template campaign to them built in the wizard, its
// dry run read, launched, and its stats followed until every recipient is sent.
let browser: Browser;
const baseUrl = inject("baseUrl");

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const GOOD = 18;
const VIP = 6;

function csvFile(): string {
  const lines = ["Phone,Name,Tags,Agreed"];
  for (let n = 0; n < GOOD; n++) {
    const phone = `+1 415 555 01${String(n).padStart(2, "0")}`;
    lines.push(`${phone},Customer ${n},${n < VIP ? "vip" : "regular"},yes`);
  }
  lines.push("12,Too short,regular,yes"); // row 19: not a phone number
  lines.push("+1 415 555 0199,Undecided,regular,maybe"); // row 20: not yes or no
  return lines.join("\n") + "\n";
}


async function addTag(page: Page, label: string, tag: string): Promise<void> {
  // The input itself, not the suggestions list Mantine labels the same.
  const input = page.locator("input").and(page.getByLabel(label, { exact: true }));
  await input.fill(tag);
  await input.press("Enter");
}

it("imports a CSV, filters and tags contacts, and launches a campaign to them", async () => {
  const account = await signUpByApi(baseUrl, "Cora");
  const ws = account.workspaceId;
  const number = await fetch(`${baseUrl}/api/v1/workspaces/${ws}/channels/sandbox`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${String(account.tokens.access_token)}` },
    body: "{}",
  });
  expect(number.status, await number.clone().text()).toBe(201);

  const { page, errors, context } = await openPage(browser, baseUrl);
  await signInPage(page, account);

  // The import: choose the file, check the guessed mapping, give the consent evidence, start.
  await page.goto(`/w/${ws}/contacts/import`);
  await page.locator('input[type="file"]').setInputFiles({ name: "customers.csv", mimeType: "text/csv", buffer: Buffer.from(csvFile()) });
  await page.getByText("20 rows.").waitFor();
  await page.getByRole("table", { name: "File preview" }).waitFor();
  expect(await page.getByRole("combobox", { name: "Column Agreed imports into" }).inputValue()).toBe("Opted in (yes/no)");
  await addTag(page, "Tags for every imported contact", "spring");
  await page.getByLabel("Where these people agreed to hear from you").fill("Spring newsletter form");
  await page.getByLabel("The wording they agreed to").fill("Send me offers on WhatsApp");
  await page.getByRole("button", { name: "Start import" }).click();
  await page.waitForURL(/\/contacts\/import\/imp-/);
  await page.getByText(/^Done: 20 of 20 rows processed/).waitFor({ timeout: 60_000 });
  await page.getByLabel("Rejected: 2").waitFor();
  await page.getByLabel(`Created: ${GOOD}`).waitFor();
  const rejected = page.getByRole("table", { name: "Rejected rows" });
  await eventually("both rejected rows listed", async () => (await rejected.locator("tbody tr").count()) === 2);
  expect(await rejected.locator("tbody tr").first().innerText()).toMatch(/^19\s+Phone/);
  expect(await rejected.locator("tbody tr").nth(1).innerText()).toMatch(/^20\s+Agreed\s+must be yes or no/);
  await screenshot(page, "import-report");

  // The contacts: all 18 listed (crm's read model may trail the import by a moment), then the vip ones.
  await page.getByRole("link", { name: "See the contacts" }).click();
  await page.waitForURL(/\/contacts$/); // the page's code loads first, then the URL changes
  const table = page.getByRole("table", { name: "Contacts" });
  await eventually("the imported contacts listed", async () => {
    if ((await table.locator("tbody tr").count()) === GOOD) return true;
    await page.reload();
    await table.waitFor({ timeout: 5_000 });
    return (await table.locator("tbody tr").count()) === GOOD;
  });
  expect(await table.getByText("Opted in").count()).toBe(GOOD);
  await addTag(page, "Tags", "vip");
  await page.getByLabel(`${VIP} contacts match`).waitFor();
  await eventually("the table narrowed to vip", async () => (await table.locator("tbody tr").count()) === VIP);
  await screenshot(page, "contacts");

  // One contact: open it and add a tag.
  await table.getByRole("link", { name: "Customer 0", exact: true }).click();
  await page.waitForURL(/\/contacts\/[A-Za-z0-9_-]+$/);
  await page.getByRole("heading", { name: "Customer 0" }).waitFor();
  await addTag(page, "Add tags", "gold");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await page.getByRole("list", { name: "Contact tags" }).getByText("gold", { exact: true }).waitFor();
  await page.getByRole("list", { name: "Contact tags" }).getByText("vip", { exact: true }).waitFor();
  await page.getByRole("heading", { name: "Timeline" }).waitFor();
  await page.getByText("Contact created").or(page.getByText("Nothing here yet")).first().waitFor();
  await screenshot(page, "contact-detail");

  // The campaign wizard: name and number, audience, message, schedule, dry run.
  await page.goto(`/w/${ws}/campaigns/new`);
  await page.getByLabel("Campaign name").fill("Spring sale");
  await eventually("the sandbox number chosen", async () => (await page.getByRole("combobox", { name: "Number" }).inputValue()).includes("sandbox"));
  await page.getByRole("button", { name: "Next" }).click();
  await addTag(page, "Tags", "spring");
  await page.getByTestId("audience-preview").getByText(`${GOOD} opted in`, { exact: false }).waitFor();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("Template name").fill("spring_promo");
  await page.getByRole("button", { name: "Add parameter" }).click();
  await page.getByLabel("Fallback for {{1}}").fill("there");
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Review (dry run)" }).click();
  const report = page.getByRole("region", { name: "Dry run report" });
  await report.waitFor();
  await report.getByText("Ready to send").waitFor();
  await report.getByLabel(`Audience: ${GOOD}`).waitFor();
  await report.getByLabel(`Will send: ${GOOD}`).waitFor();
  await screenshot(page, "campaign-wizard-dry-run");

  // Launch, then the stats until every recipient is sent.
  await page.getByRole("button", { name: "Launch now" }).click();
  await page.waitForURL(/\/campaigns\/cmp[-_][A-Za-z0-9_-]+$/, { timeout: 10_000 }).catch(async (error: unknown) => {
    await screenshot(page, "campaign-launch-failed");
    throw error;
  });
  await page.waitForURL(/\/campaigns\/cmp[-_][A-Za-z0-9_-]+$/);
  await eventually("every recipient sent", async () => (await page.getByTestId("stat-sent").innerText()) === String(GOOD), 60);
  expect(await page.getByTestId("stat-targeted").innerText()).toBe(String(GOOD));
  await page.getByText(`${GOOD} of ${GOOD} recipients processed`).waitFor();
  await screenshot(page, "campaign-stats");

  expect(errors).toEqual([]);
  await context.close();
});
