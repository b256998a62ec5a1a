import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import type { DockerBatchJobRecord } from "../../../src/domain/docker-batch/docker-batch-job.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { JobExit, JobHandle, JobRunner, JobRunSpec } from "../../../src/domain/job-ports.js";
import { type JobExecutor, createJobExecutor } from "../../../src/scheduler/jobs/job-executor.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { createDockerBatchJobLogRepository } from "../../../src/store/docker-batch-job-log-repository.js";
import { createDockerBatchJobRepository } from "../../../src/store/docker-batch-job-repository.js";

/** A runner whose jobs end when the test says so. */
class FakeRunner implements JobRunner {
  readonly name = "process" as const;
  readonly started: { spec: JobRunSpec; finish(exit: Partial<JobExit>): void; isStopped: boolean }[] = [];
  readonly reaped: [string, string | null][] = [];
  failNext: string | null = null;
  /** While set, run() waits for it (a slow image pull or spawn). */
  gate: Promise<void> | null = null;

  async run(spec: JobRunSpec, log: (line: string) => void): Promise<JobHandle> {
    if (this.failNext) throw new Error(this.failNext);
    if (this.gate) await this.gate;
    let resolve: (exit: JobExit) => void = () => undefined;
    const exited = new Promise<JobExit>((r) => (resolve = r));
    const entry = {
      spec,
      isStopped: false,
      finish: (exit: Partial<JobExit>) => resolve({ code: null, signal: null, error: null, ...exit }),
    };
    this.started.push(entry);
    log(`started ${spec.jobId}`);
    return {
      ref: `fake:${spec.jobId}`,
      exited,
      stop: async () => {
        entry.isStopped = true;
        entry.finish({ signal: "SIGTERM" });
        await exited;
      },
    };
  }

  async reap(jobId: string, ref: string | null): Promise<void> {
    this.reaped.push([jobId, ref]);
  }

  async dispose(): Promise<void> {}
}

let db: Db;
let clock: FakeClock;
let runner: FakeRunner;
let executor: JobExecutor;
const jobs = () => createDockerBatchJobRepository(db);
const logs = () => createDockerBatchJobLogRepository(db);

function makeJob(id: string, overrides: Partial<DockerBatchJobRecord> = {}): DockerBatchJobRecord {
  const job: DockerBatchJobRecord = {
    id,
    owner: "me",
    createdBy: "me",
    createdAt: clock.now(),
    bundleId: "batbun_1",
    triggerId: null,
    labels: {},
    annotations: null,
    jobConfig: { x: 1.5 },
    overrideJobMaxRuntimeS: null,
    spec: {
      imageRepository: "r",
      imageTag: "t",
      command: ["true"],
      env: {},
      mountLocation: "/m/p.json",
      resources: { cpus: "1", memory: "1Gi", storage: null, gpus: null, gpuType: null },
    },
    status: "PENDING",
    startedAt: null,
    finishedAt: null,
    statusReason: null,
    runnerRef: null,
    grant: null,
    ...overrides,
  };
  jobs().insert(job);
  return job;
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

beforeEach(() => {
  db = openDatabase(":memory:");
  clock = new FakeClock(Date.UTC(2026, 0, 1));
  runner = new FakeRunner();
  executor = createJobExecutor({ jobs: jobs(), logs: logs(), runner, clock, logger: silentLogger });
});

afterEach(async () => {
  await executor.dispose();
  db.close();
});

describe("job executor (§3.3, §6.2)", () => {
  it("moves PENDING → RUNNING → SUCCESS on exit 0, and hands the runner the Python-formatted config", async () => {
    executor.submit(makeJob("ft-a"));
    await settle();
    expect(jobs().get("ft-a")).toMatchObject({ status: "RUNNING", runnerRef: "fake:ft-a", startedAt: clock.now() });
    expect(runner.started[0]?.spec.jobConfigText).toBe('{"x": 1.5}');
    await clock.advance(5000);
    runner.started[0]?.finish({ code: 0 });
    await executor.idle();
    expect(jobs().get("ft-a")).toMatchObject({ status: "SUCCESS", finishedAt: Date.UTC(2026, 0, 1, 0, 0, 5), statusReason: null });
    expect(logs().read("ft-a")).toEqual(["started ft-a"]);
  });

  it("records FAILURE for a non-zero exit, a signal, or a start failure", async () => {
    executor.submit(makeJob("ft-a"));
    executor.submit(makeJob("ft-b"));
    await settle();
    runner.started[0]?.finish({ code: 2 });
    runner.started[1]?.finish({ signal: "SIGKILL" });
    runner.failNext = "no such image";
    executor.submit(makeJob("ft-c"));
    await executor.idle();
    expect(jobs().get("ft-a")).toMatchObject({ status: "FAILURE", statusReason: "The job's command exited with code 2." });
    expect(jobs().get("ft-b")).toMatchObject({ status: "FAILURE", statusReason: "The job's command was killed by SIGKILL." });
    expect(jobs().get("ft-c")).toMatchObject({ status: "FAILURE", statusReason: "The job could not be started: no such image" });
  });

  it("stops a job at its max runtime (counted from start) and records FAILURE, never TIMEOUT", async () => {
    executor.submit(makeJob("ft-a", { overrideJobMaxRuntimeS: 60 }));
    executor.submit(makeJob("ft-b"));
    await settle();
    await clock.advance(59_999);
    expect(runner.started[0]?.isStopped).toBe(false);
    await clock.advance(1);
    await settle();
    expect(runner.started[0]?.isStopped).toBe(true);
    expect(jobs().get("ft-a")).toMatchObject({ status: "FAILURE", statusReason: "The job exceeded its maximum runtime of 60 s and was stopped." });
    // The default is 7 days.
    await clock.advance(7 * 86_400_000 - 60_001);
    expect(runner.started[1]?.isStopped).toBe(false);
    await clock.advance(1);
    await settle();
    expect(jobs().get("ft-b")?.status).toBe("FAILURE");
  });

  it("cancel stops a running job, and a job cancelled before it started never runs on", async () => {
    jobs().delete(makeJob("ft-a").id);
    await executor.cancel("ft-a");
    executor.submit({ ...makeJob("ft-b") });
    await settle();
    jobs().delete("ft-b");
    await executor.cancel("ft-b");
    expect(runner.started.find((entry) => entry.spec.jobId === "ft-b")?.isStopped).toBe(true);
    await executor.idle();
    expect(jobs().get("ft-b")).toBeNull();
  });

  it("stops a job cancelled while its runner was still starting it", async () => {
    let open: () => void = () => undefined;
    runner.gate = new Promise<void>((resolve) => (open = resolve));
    executor.submit(makeJob("ft-slow"));
    await settle();
    jobs().delete("ft-slow");
    await executor.cancel("ft-slow");
    open();
    await executor.idle();
    expect(runner.started[0]?.isStopped).toBe(true);
    expect(jobs().get("ft-slow")).toBeNull();
  });

  it("recovers: a RUNNING job becomes FAILURE (its leftovers reaped), a PENDING one runs", async () => {
    makeJob("ft-lost", { status: "RUNNING", startedAt: clock.now(), runnerRef: "process:123:456" });
    makeJob("ft-waiting");
    await executor.start();
    await settle();
    expect(runner.reaped).toEqual([["ft-lost", "process:123:456"]]);
    expect(jobs().get("ft-lost")).toMatchObject({ status: "FAILURE", statusReason: expect.stringContaining("launch-local stopped while the job was running") });
    expect(jobs().get("ft-waiting")?.status).toBe("RUNNING");
  });

  it("deletes jobs three days after they finished", async () => {
    makeJob("ft-old", { status: "SUCCESS", finishedAt: clock.now() - 3 * 86_400_000 - 1 });
    makeJob("ft-new", { status: "SUCCESS", finishedAt: clock.now() - 1000 });
    await executor.start();
    expect(jobs().get("ft-old")).toBeNull();
    expect(jobs().get("ft-new")).not.toBeNull();
    await clock.advance(3 * 86_400_000);
    expect(jobs().get("ft-new")).toBeNull();
  });

  it("dispose stops running jobs and records why", async () => {
    executor.submit(makeJob("ft-a"));
    await settle();
    await executor.dispose();
    expect(jobs().get("ft-a")).toMatchObject({ status: "FAILURE", statusReason: "launch-local was closed while the job was running." });
    executor.submit(makeJob("ft-late"));
    await settle();
    expect(jobs().get("ft-late")?.status).toBe("PENDING");
  });
});
