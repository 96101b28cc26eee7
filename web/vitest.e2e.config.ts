import { defineConfig } from "vitest/config";

// Browser tests: the real system (`parley dev` on free ports) started once by the global setup,
// driven by Debian's chromium through playwright-core. One file at a time: two cores.
export default defineConfig({
  test: {
    environment: "node",
    include: ["../tests/e2e/browser/**/*.spec.ts"],
    globalSetup: ["../tests/e2e/browser/support/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
