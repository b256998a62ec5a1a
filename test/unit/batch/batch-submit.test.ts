import { describe, expect, it } from "vitest";
import { ActiveJob } from "../../../src/domain/batch/active-job.js";
import type { BatchInput } from "../../../src/domain/batch/batch-inputs.js";
import { submitRows } from "../../../src/domain/batch/batch-submit.js";
import { FakeClock } from "../../../src/domain/clock.js";
import { createLogger } from "../../../src/domain/logger.js";
import type { BatchRowSubmission } from "../../../src/domain/ports.js";
import { StoreWriteError } from "../../../src/domain/store-failure.js";
import type { AsyncTaskRecord } from "../../../src/domain/task.js";
import { sequentialIds } from "../endpoints/fixtures.js";
import { predictRequest } from "../tasks/fakes.js";

describe("batch rows on a full disk", () => {
  it("submits a chunk the store refused again after a back-off, then queues it once; logs once with the cause", async () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    let refusals = 2;
    const stored: BatchRowSubmission[][] = [];
    const enqueued: AsyncTaskRecord[] = [];
    const inputs: BatchInput[] = [0, 1, 2].map((i) => ({ referenceId: String(i), request: predictRequest({ args: { i } }) }));
    const done = submitRows(
      {
        jobs: {
          submitRows: (_jobId, rows) => {
            if (refusals-- > 0) throw new StoreWriteError("disk-full", "SQLITE_FULL: database or disk is full");
            stored.push([...rows]);
          },
        },
        tasks: { created: async () => undefined },
        scheduler: { enqueueAsync: (task) => enqueued.push(task) },
        clock,
        ids: sequentialIds(),
        logger: createLogger("info", (line) => lines.push(line)),
      },
      new ActiveJob("bat_1"),
      inputs,
      { endpointId: "end_1", owner: "me" },
      { chunkRows: 10, follow: () => undefined, shouldStop: () => false },
    );
    await clock.advance(250);
    expect(enqueued).toEqual([]);
    await clock.advance(500);
    expect(await done).toBe(true);
    expect(stored).toHaveLength(1);
    expect(enqueued.map((task) => task.request.args)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect(lines.filter((line) => line.includes("batch job rows could not be stored"))).toHaveLength(1);
    expect(lines.join("\n")).toContain("the disk holding the data dir is full (SQLITE_FULL: database or disk is full)");
  });
});
