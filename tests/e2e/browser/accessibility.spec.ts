import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

import { launch, openPage, signInPage, signUpByApi, type Account } from "./support/browser";
import { FLOW_TEMPLATES } from "../../../web/src/features/flows/templates";
import { REPO } from "./support/global-setup";

// Every main page, in both colour schemes, checked by axe-core against WCAG 2 A and AA:
// no serious or critical violation (names on controls, contrast, landmarks, keyboard focus).
const web = createRequire(join(REPO, "web", "package.json"));
const AXE = readFileSync(web.resolve("axe-core/axe.min.js"), "utf8");
const PAGES = [
  "dashboard",
  "flows",
  "flows/greeter",
  "sandbox",
  "contacts",
  "contacts/import",
  "campaigns",
  "campaigns/new",
  "settings/numbers",
  "settings/members",
  "settings/api-keys",
  "settings/billing",
  "knowledge",
  "leads",
];

let browser: Browser;
let account: Account;
const baseUrl = inject("baseUrl");

beforeAll(async () => {
  browser = await launch();
  account = await signUpByApi(baseUrl, "Axel");
  const graph = FLOW_TEMPLATES.find((t) => t.key === "greeting")?.definition;
  const created = await fetch(`${baseUrl}/api/v1/workspaces/${account.workspaceId}/flows`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${String(account.tokens.access_token)}` },
    body: JSON.stringify({ flow_id: "greeter", name: "Greeter", graph }),
  });
  expect(created.status).toBe(201);
});

it("adds a node to the canvas from the keyboard alone", async () => {
  const { page, errors, context } = await openPage(browser, baseUrl);
  await signInPage(page, account);
  await page.goto(`/w/${account.workspaceId}/flows/greeter`);
  const palette = page.getByRole("region", { name: "Node palette" });
  await palette.getByRole("button", { name: "Delay" }).focus();
  await page.keyboard.press("Enter");
  await page.locator('[aria-label^="Delay node"]').waitFor();
  expect(errors).toEqual([]);
  await context.close();
});
afterAll(async () => {
  await browser?.close();
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function violations(page: Page): Promise<string[]> {
  // evaluate runs outside the page's content security policy, which would refuse an injected script.
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations;
  });
  return found
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => {
      const where = v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} [${n.failureSummary ?? ""}]`);
      return `${v.id} (${v.impact}): ${v.help} — ${where.join(", ")}`;
    });
}

for (const scheme of ["dark", "light"] as const) {
  it(`has no serious accessibility violation on the main pages (${scheme})`, async () => {
    const { page, context } = await openPage(browser, baseUrl);
    await signInPage(page, account);
    await page.evaluate((s) => localStorage.setItem("mantine-color-scheme-value", s), scheme);
    const report: Record<string, string[]> = {};
    for (const path of PAGES) {
      await page.goto(`/w/${account.workspaceId}/${path}`);
      await page.getByRole("main").waitFor();
      await page.waitForLoadState("networkidle");
      const found = await violations(page);
      if (found.length) report[path] = found;
    }
    expect(report).toEqual({});
    await context.close();
  });
}
