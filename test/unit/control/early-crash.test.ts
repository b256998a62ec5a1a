import { afterEach, describe, expect, it } from "vitest";
import { EARLY_CRASH_WINDOW_MS } from "../../../src/scheduler/worker-pool.js";
import { createHarness, makeBundle, makeEndpoint, waitFor, type Harness } from "../scheduler/harness.js";

/**
 * A worker that dies on its own right after becoming ready, before any work reached it, is a failed
 * start: back-off between replacements, and UPDATE_FAILED after three in a row (README "Reliability").
 */
let harness: Harness;
afterEach(async () => harness.dispose());

async function deployed(): Promise<Harness> {
  harness = createHarness();
  const scaling = { minWorkers: 1, maxWorkers: 1, perWorker: 1, concurrentRequestsPerWorker: 1, forwarderMaxConcurrency: null };
  harness.add(makeEndpoint("e1", "b1", { scaling }), makeBundle("b1"));
  harness.scheduler.deploy("e1");
  await harness.scheduler.idle();
  await harness.scheduler.start();
  return harness;
}

const readyWorker = async (count: number): Promise<string> => {
  await waitFor(() => harness.runtime.workers.length === count && harness.scheduler.listWorkers("e1")[0]?.state === "ready", 3000, `worker ${count} ready`);
  return harness.scheduler.listWorkers("e1")[0]?.id ?? "";
};

describe("a worker that crashes right after becoming ready", () => {
  it("backs off 1 s, then 2 s, then marks the endpoint UPDATE_FAILED", async () => {
    await deployed();
    harness.runtime.kill(await readyWorker(1));
    await waitFor(() => harness.scheduler.listWorkers("e1").length === 0, 3000, "the crash noticed");
    await harness.clock.advance(999);
    expect(harness.runtime.workers).toHaveLength(1);
    await harness.clock.advance(1);
    harness.runtime.kill(await readyWorker(2));
    await waitFor(() => harness.scheduler.listWorkers("e1").length === 0, 3000, "the second crash noticed");
    await harness.clock.advance(1999);
    expect(harness.runtime.workers).toHaveLength(2);
    await harness.clock.advance(1);
    harness.runtime.kill(await readyWorker(3));
    await waitFor(() => harness.repos.endpoints.get("e1")?.status === "UPDATE_FAILED", 3000, "UPDATE_FAILED");
    expect(harness.repos.endpoints.get("e1")?.statusReason).toBe("Worker failed to start: Worker exited 0 ms after becoming ready (code null, signal SIGKILL)");
    await harness.clock.advance(60_000);
    expect(harness.runtime.workers).toHaveLength(3);
  });

  it("replaces at once a worker that outlived the window, and forgets earlier early crashes", async () => {
    await deployed();
    harness.runtime.kill(await readyWorker(1));
    await waitFor(() => harness.scheduler.listWorkers("e1").length === 0, 3000, "the crash noticed");
    await harness.clock.advance(1000);
    await readyWorker(2);
    await harness.clock.advance(EARLY_CRASH_WINDOW_MS);
    for (let n = 2; n <= 5; n++) {
      harness.runtime.kill(await readyWorker(n));
      // The next crash comes long after ready, so no back-off is needed before the replacement.
      await readyWorker(n + 1);
      await harness.clock.advance(EARLY_CRASH_WINDOW_MS);
    }
    expect(harness.repos.endpoints.get("e1")?.status).toBe("READY");
  });

  it("does not count workers killed through the control API", async () => {
    await deployed();
    for (let n = 1; n <= 4; n++) expect(harness.scheduler.killWorker("e1", await readyWorker(n))).toBe(true);
    await readyWorker(5);
    expect(harness.repos.endpoints.get("e1")?.status).toBe("READY");
  });
});
