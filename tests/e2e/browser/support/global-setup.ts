import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import type { TestProject } from "vitest/node";

// Starts the whole system as `make run` does (`parley dev`: NATS, PostgreSQL and every service
// as processes) on free ports, serving the built web app, once for all browser tests. With
// PARLEY_E2E_URL set, the tests use that running system instead. Payments go to the fake Stripe
// (parley.billing.testing.fake_stripe, a real HTTP server with hosted checkout pages), started
// first so the gateway's webhook address is known to it; a reused system may have no Stripe
// (tests that pay skip when `GET /api/v1/plans` says `stripe_enabled: false`).

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export const REPO = resolve(import.meta.dirname, "../../../..");
const PARLEY = join(REPO, ".venv/bin/parley");
const PYTHON = join(REPO, ".venv/bin/python");
// The fake's default API key; the webhook secret the gateway checks and billing checks again.
export const STRIPE_API_KEY = "sk_test_fake";
export const STRIPE_WEBHOOK_SECRET = "whsec_e2e";
export const RESULTS = join(REPO, "web/test-results");

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, "127.0.0.1", () => server.close(() => done(true)));
  });
}

async function freeRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => portIsFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

async function until(what: string, check: () => Promise<boolean>, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not ready within ${seconds} s (log: ${RESULTS}/stack.log)`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  child.kill("SIGTERM");
  return new Promise<void>((done) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      done();
    }, 15_000);
    child.once("exit", () => {
      clearTimeout(timer);
      done();
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  mkdirSync(join(RESULTS, "screenshots"), { recursive: true });
  const existing = process.env.PARLEY_E2E_URL;
  if (existing) {
    project.provide("baseUrl", existing);
    return async () => undefined;
  }
  // Outside any 0700 test root: PostgreSQL runs as another user when we are root.
  const data = mkdtempSync(join(tmpdir(), "parley-browser-"));
  const [nats, pg, http, stripe, health] = [await freePort(), await freePort(), await freePort(), await freePort(), await freeRange(7)];
  const log = createWriteStream(join(RESULTS, "stack.log"));
  const stripeLog = createWriteStream(join(RESULTS, "fake-stripe.log"));
  const stripeUrl = `http://127.0.0.1:${stripe}`;
  const fake: ChildProcess = spawn(PYTHON, [
    "-m",
    "parley.billing.testing.fake_stripe",
    "--port",
    `${stripe}`,
    "--api-key",
    STRIPE_API_KEY,
    "--webhook-url",
    `http://127.0.0.1:${http}/webhooks/stripe`,
    "--secret",
    STRIPE_WEBHOOK_SECRET,
  ]);
  fake.stdout?.pipe(stripeLog);
  fake.stderr?.pipe(stripeLog);
  await until(
    "fake Stripe",
    async () => {
      if (fake.exitCode !== null) throw new Error(`fake Stripe exited with ${fake.exitCode}`);
      // Any answer (a 401 without a key) means it listens.
      return (await fetch(`${stripeUrl}/v1/customers`)).status > 0;
    },
    30,
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HTTP_PORT: String(http),
    STRIPE_API_KEY,
    STRIPE_API_BASE: stripeUrl,
    STRIPE_WEBHOOK_SECRET,
    // leads.spec.ts scrapes a local fixture site on 127.0.0.1: the scraper (and ai-rag) let
    // that host alone through the outbound guard; the flow engine's HTTP node still refuses it,
    // as console_replay.spec.ts checks. No politeness pause between the fixture's pages.
    OUTBOUND_ALLOWED_HOSTS: "127.0.0.1",
    SCRAPE_MIN_DELAY: "0",
  };
  delete env.NATS_URL;
  delete env.DATABASE_URL;
  const args = ["dev", "--data-dir", data, "--nats-port", `${nats}`, "--pg-port", `${pg}`];
  const dev: ChildProcess = spawn(PARLEY, [...args, "--health-port-base", `${health}`], { env });
  dev.stdout?.pipe(log);
  dev.stderr?.pipe(log);
  const url = `http://127.0.0.1:${http}`;
  await until(
    "parley dev",
    async () => {
      if (dev.exitCode !== null) throw new Error(`parley dev exited with ${dev.exitCode}`);
      const report = spawnSync(PARLEY, ["health", "--json", "--nats-url", `nats://127.0.0.1:${nats}`, "--timeout", "1"]);
      const ok = report.stdout.length > 0 && JSON.parse(report.stdout.toString()).ok === true;
      return ok && (await fetch(`${url}/`)).status === 200;
    },
    90,
  );
  project.provide("baseUrl", url);
  return async () => {
    await Promise.all([stop(dev), stop(fake)]);
    rmSync(data, { recursive: true, force: true });
  };
}
