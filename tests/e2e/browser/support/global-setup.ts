import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import type { TestProject } from "vitest/node";

// Starts the whole system as `make run` does (`parley dev`: NATS, PostgreSQL and every service
// as processes) on free ports, serving the built web app, once for all browser tests. With
// PARLEY_E2E_URL set, the tests use that running system instead.

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

export const REPO = resolve(import.meta.dirname, "../../../..");
const PARLEY = join(REPO, ".venv/bin/parley");
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  mkdirSync(join(RESULTS, "screenshots"), { recursive: true });
  const existing = process.env.PARLEY_E2E_URL;
  if (existing) {
    project.provide("baseUrl", existing);
    return async () => undefined;
  }
  // Outside any 0700 test root: PostgreSQL runs as another user when we are root.
  const data = mkdtempSync(join(tmpdir(), "parley-browser-"));
  const [nats, pg, http, health] = [await freePort(), await freePort(), await freePort(), await freeRange(7)];
  const log = createWriteStream(join(RESULTS, "stack.log"));
  const env: NodeJS.ProcessEnv = { ...process.env, HTTP_PORT: String(http) };
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
    dev.kill("SIGTERM");
    await new Promise<void>((done) => {
      const timer = setTimeout(() => {
        dev.kill("SIGKILL");
        done();
      }, 15_000);
      dev.once("exit", () => {
        clearTimeout(timer);
        done();
      });
    });
    rmSync(data, { recursive: true, force: true });
  };
}
