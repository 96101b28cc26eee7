import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

import { launch, openPage, screenshot, signInPage, signUpByApi } from "./support/browser";

// The Knowledge page as a new workspace uses it: the empty state leads to a first knowledge
// base, a Markdown document is indexed (the table polls until it is), its passages keep their
// headings, and "Try a question" answers from it, citing it (ai-rag's offline default: the best
// passage, extracted).
let browser: Browser;
const baseUrl = inject("baseUrl");

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const REFUNDS = `# Refunds

We refund any order within 30 days of delivery. Send the receipt to our shop and the money
returns to your card within five working days.

# Opening hours

The shop opens Monday to Saturday from 9:00 to 19:00 and is closed on Sundays.`;

it("creates a knowledge base, indexes a Markdown document and answers from it", async () => {
  const account = await signUpByApi(baseUrl, "Kira");
  const { page, errors } = await openPage(browser, baseUrl);
  await signInPage(page, account);

  await page.goto(`/w/${account.workspaceId}/knowledge`);
  await page.getByText("No knowledge bases yet").waitFor();
  await page.getByRole("button", { name: "Create your first knowledge base" }).click();
  const create = page.getByRole("dialog", { name: "New knowledge base" });
  await create.getByLabel("Name").fill("Help centre");
  await create.getByRole("button", { name: "Create", exact: true }).click();
  await page.waitForURL(/\/knowledge\/kb-[A-Za-z0-9_-]+$/);
  await page.getByRole("heading", { name: "Help centre" }).waitFor();

  // A Markdown document, written in the Write tab.
  await page.getByText("No documents yet").waitFor();
  await page.getByRole("button", { name: "Add document" }).first().click();
  const add = page.getByRole("dialog", { name: "Add a document" });
  await add.getByLabel("Title").fill("Refund policy");
  await add.getByLabel("Content").fill(REFUNDS);
  await add.getByRole("button", { name: "Add document" }).click();
  await add.waitFor({ state: "hidden" });

  // The table polls while it indexes, until the badge says indexed.
  const documents = page.getByRole("table", { name: "Documents" });
  const row = documents.getByRole("row").filter({ hasText: "Refund policy" });
  await row.waitFor();
  await row.getByText("indexed", { exact: true }).waitFor({ timeout: 30_000 });
  expect(await row.getByText("Markdown").count()).toBe(1);

  // Its passages, under their headings.
  await row.getByRole("button", { name: "Refund policy", exact: true }).click();
  const drawer = page.getByRole("dialog", { name: "Refund policy" });
  await drawer.getByText("Refunds", { exact: true }).first().waitFor();
  await drawer.getByText(/within 30 days of delivery/).first().waitFor();
  await page.keyboard.press("Escape");
  await drawer.waitFor({ state: "hidden" });

  // Try a question: the answer cites the document it came from.
  const ask = page.getByRole("region", { name: "Try a question" });
  await ask.getByLabel("Question").fill("How many days do I have to ask for a refund?");
  await ask.getByRole("button", { name: "Ask" }).click();
  const answer = ask.getByTestId("answer");
  await answer.waitFor();
  expect(await answer.innerText()).toMatch(/30 days/);
  const cited = ask.getByTestId("cited-passage").first();
  await cited.waitFor();
  expect(await cited.innerText()).toContain("Refund policy");
  expect(await cited.innerText()).toContain("Refunds");
  await ask.getByLabel("Model and tokens").waitFor();
  await screenshot(page, "knowledge");

  // A question the documents do not answer says where the node goes.
  await ask.getByLabel("Question").fill("Do you sell quantum flux capacitors for spaceships?");
  await ask.getByRole("button", { name: "Ask" }).click();
  await ask.getByTestId("no-answer").waitFor();
  expect(await ask.getByTestId("no-answer").innerText()).toContain("No answer path");

  expect(errors).toEqual([]);
});
