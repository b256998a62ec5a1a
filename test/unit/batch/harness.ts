import { BatchOrchestrator } from "../../../src/domain/batch/batch-orchestrator.js";
import type { BatchJobRecord } from "../../../src/domain/batch/batch-job.js";
import { FakeClock } from "../../../src/domain/clock.js";
import type { EndpointRecord } from "../../../src/domain/endpoint.js";
import { notFound } from "../../../src/domain/errors.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { BatchJobRepository, EndpointRepository } from "../../../src/domain/ports.js";
import { TaskService } from "../../../src/domain/tasks/task-service.js";
import { createBatchJobRepository } from "../../../src/store/batch-job-repository.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { createEndpointRepository } from "../../../src/store/endpoint-repository.js";
import { createTaskRepository } from "../../../src/store/task-repository.js";
import { commitGroup } from "../../../src/store/group-commit.js";
import type { TaskRepository } from "../../../src/domain/ports.js";
import { type TestLifecycles, testLifecycles } from "../../helpers/lifecycles.js";
import { sequentialIds } from "../endpoints/fixtures.js";
import { FakeScheduler, makeEndpoint } from "../tasks/fakes.js";

/**
 * The batch orchestrator over real SQLite (in memory) with a fake clock, a scheduler that only
 * records what is enqueued (tests finish tasks through `complete`), a Map for blobs and a recorded
 * endpoint delete. `restart()` builds a fresh orchestrator on the same database, as a new process would.
 */
export interface BatchHarness {
  db: Db;
  clock: FakeClock;
  tasks: TaskRepository;
  lifecycles: TestLifecycles;
  jobs: BatchJobRepository;
  endpoints: EndpointRepository;
  scheduler: FakeScheduler;
  blobs: Map<string, Buffer>;
  deletedEndpoints: string[];
  orchestrator: BatchOrchestrator;
  /** An endpoint row for a job (READY unless told). */
  addEndpoint(overrides?: Partial<EndpointRecord>): EndpointRecord;
  /** A PENDING job record on `endpointId`, inserted and not started. */
  addJob(endpointId: string, overrides?: Partial<BatchJobRecord>): BatchJobRecord;
  /** Finishes a task as a worker answer would (SUCCESS with `{"result": …}`); resolves once its event is out. */
  complete(taskId: string, result?: unknown): Promise<void>;
  restart(): Promise<void>;
  /** Lets queued promise work and setImmediate turns run. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export const BUCKET = "launch-local";
export const INPUT = "s3://launch-local/batch-inputs/me/input.csv";

export function csvOf(rows: readonly Record<string, unknown>[]): Buffer {
  return Buffer.from(`id,args\r\n${rows.map((args, i) => `${i},${Buffer.from(JSON.stringify(args)).toString("base64")}`).join("\r\n")}\r\n`);
}

/** Owners and the input policy are held by test/integration/blob-owners.test.ts and input-locations.test.ts. */
const anyoneMayRead = { assertReadable: () => undefined, claim: () => undefined };

export function createBatchHarness(options: { submitChunkRows?: number } = {}): BatchHarness {
  const db = openDatabase(":memory:");
  const clock = new FakeClock();
  const ids = sequentialIds();
  const tasks = createTaskRepository(db);
  const jobs = createBatchJobRepository(db, tasks);
  const endpoints = createEndpointRepository(db);
  const lifecycles = testLifecycles({ db, tasks, endpoints, clock });
  const scheduler = new FakeScheduler();
  const blobs = new Map<string, Buffer>();
  const deletedEndpoints: string[] = [];
  const taskService = new TaskService({
    endpoints,
    tasks,
    lifecycle: lifecycles.taskLifecycle,
    scheduler,
    gateway: scheduler,
    ids,
    clock,
    blobs: anyoneMayRead,
  });
  let endpointSeq = 0;

  const build = (): BatchOrchestrator =>
    new BatchOrchestrator({
      jobs,
      endpoints,
      deleteEndpoint: async (_owner, endpointId) => {
        deletedEndpoints.push(endpointId);
        endpoints.delete(endpointId);
      },
      readTask: (taskId) => taskService.getAsync(taskId),
      events: lifecycles.events,
      tasks: lifecycles.taskLifecycle,
      scheduler,
      blobs: {
        read: async (_actor, location) => {
          const bytes = blobs.get(location);
          if (bytes === undefined) throw notFound(`Object not found: ${location}`);
          return bytes;
        },
        writeFor: async (_owner, location, data) => {
          blobs.set(location, Buffer.from(data));
        },
        ...anyoneMayRead,
      },
      bucket: BUCKET,
      clock,
      ids,
      logger: silentLogger,
      endpointPollMs: 100,
      submitChunkRows: options.submitChunkRows ?? 1000,
    });

  const harness: BatchHarness = {
    db,
    clock,
    tasks,
    lifecycles,
    jobs,
    endpoints,
    scheduler,
    blobs,
    deletedEndpoints,
    orchestrator: build(),
    addEndpoint(overrides = {}) {
      const endpoint = makeEndpoint({ id: `end_${++endpointSeq}`, name: `batch-${endpointSeq}`, ...overrides });
      endpoints.insert(endpoint);
      return endpoint;
    },
    addJob(endpointId, overrides = {}) {
      const now = clock.now();
      const record: BatchJobRecord = {
        id: `bat_${String(++endpointSeq).padStart(20, "0")}`,
        owner: "me",
        createdBy: "me",
        createdAt: now,
        status: "PENDING",
        bundleId: "bun_1",
        endpointId,
        inputPath: INPUT,
        serializationFormat: "JSON",
        labels: {},
        timeoutSeconds: 60,
        deadlineAt: now + 60_000,
        numRows: null,
        progress: null,
        resultLocation: null,
        completedAt: null,
        failureReason: null,
        ...overrides,
      };
      jobs.insert(record);
      return record;
    },
    async complete(taskId, result = { result: "ok" }) {
      const task = tasks.get(taskId);
      if (task === null) throw new Error(`no task ${taskId}`);
      lifecycles.taskLifecycle.start(task);
      lifecycles.taskLifecycle.finish(task, "STARTED", { status: "SUCCESS", result, traceback: null, statusCode: null });
      // Commits now, as the end of the turn would; the completion event follows the commit.
      commitGroup(db);
      await lifecycles.commits.committed();
    },
    async restart() {
      await harness.orchestrator.dispose();
      scheduler.enqueued.length = 0;
      harness.orchestrator = build();
    },
    async flush() {
      for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    },
    async close() {
      await harness.orchestrator.dispose();
      db.close();
    },
  };
  return harness;
}
