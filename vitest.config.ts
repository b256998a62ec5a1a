import { defineConfig } from "vitest/config";

// Three levels (STYLE.md §17): unit and integration run in parallel; the end-to-end suite starts real
// Python workers, so it runs one file at a time to stay inside a 2-core machine.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // Docker e2e files take turns on one engine (docker-harness.ts lockDockerSuite); their beforeAll may wait.
    hookTimeout: 600_000,
    pool: "forks",
    globalSetup: ["test/helpers/global-setup.ts"],
    fileParallelism: true,
    maxWorkers: 2,
  },
});
