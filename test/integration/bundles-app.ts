import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import { createLocalBlobStore, type LocalBlobStore } from "../../src/blobs/local-blob-store.js";
import { BlobAccess } from "../../src/domain/blobs/blob-access.js";
import { ONLY_BLOB_STORE } from "../../src/domain/blobs/input-policy.js";
import { BatchJobService } from "../../src/domain/batch/batch-job-service.js";
import { BundleService } from "../../src/domain/bundles/bundle-service.js";
import { FakeClock } from "../../src/domain/clock.js";
import { ControlService } from "../../src/domain/control/control-service.js";
import { FaultRegistry } from "../../src/domain/control/fault-rules.js";
import { EndpointService } from "../../src/domain/endpoints/endpoint-service.js";
import { createIdGenerator } from "../../src/domain/ids.js";
import { silentLogger } from "../../src/domain/logger.js";
import type { InferenceGateway } from "../../src/domain/gateway-ports.js";
import type { EndpointLogRepository, EndpointRepository, EndpointScheduler } from "../../src/domain/ports.js";
import { TaskService } from "../../src/domain/tasks/task-service.js";
import { createApp } from "../../src/http/app.js";
import type { Services } from "../../src/http/services.js";
import { createBatchJobRepository } from "../../src/store/batch-job-repository.js";
import { createBlobOwnerRepository } from "../../src/store/blob-owner-repository.js";
import { createBundleRepository } from "../../src/store/bundle-repository.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { createEndpointLogRepository } from "../../src/store/endpoint-log-repository.js";
import { createEndpointRepository } from "../../src/store/endpoint-repository.js";
import { createTaskRepository } from "../../src/store/task-repository.js";
import { testLifecycles } from "../helpers/lifecycles.js";

/** Bundle and blob tests never run inference: a scheduler that deploys nothing. */
const idleScheduler: EndpointScheduler = {
  deploy: () => undefined,
  undeploy: async () => undefined,
  restart: async () => undefined,
  workerCounts: () => null,
  queueDepth: () => 0,
  enqueueAsync: () => undefined,
};

/** ... and no gateway either. */
const idleGateway: Pick<InferenceGateway, "predictSync" | "predictStream"> = {
  predictSync: () => Promise.reject(new Error("no workers in the bundles test app")),
  predictStream: () => {
    throw new Error("no workers in the bundles test app");
  },
};

export interface BundlesTestApp {
  server: Server;
  url: string;
  clock: FakeClock;
  blobs: LocalBlobStore;
  endpoints: EndpointRepository;
  logs: EndpointLogRepository;
  close(): Promise<void>;
}

export const auth = (user = "me"): string => `Basic ${Buffer.from(`${user}:`).toString("base64")}`;

export const SIGNING_SECRET = "bundles-test-secret";

/**
 * The full HTTP pipeline of app.ts (paths, signed blobs, JSON body, auth, routes, error table) over
 * real SQLite and a real blob folder, with a fake clock and an idle scheduler. Listens on an
 * ephemeral loopback port because signed URLs must name a reachable base URL.
 */
export async function createBundlesTestApp(options: { maxBodyBytes?: number } = {}): Promise<BundlesTestApp> {
  const dir = mkdtempSync(join(tmpdir(), "launch-local-bundles-"));
  const db: Db = openDatabase(join(dir, "db.sqlite"));
  const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  const ids = createIdGenerator(() => clock.now());
  const bundles = createBundleRepository(db);
  const endpoints = createEndpointRepository(db);
  const logs = createEndpointLogRepository(db);
  const blobs = createLocalBlobStore({
    root: join(dir, "blobs"),
    bucket: "launch-local",
    signingSecret: SIGNING_SECRET,
    ttlSeconds: 300,
    clock,
    inputs: ONLY_BLOB_STORE,
  });
  const blobAccess = new BlobAccess({ store: blobs, owners: createBlobOwnerRepository(db), inputs: ONLY_BLOB_STORE, clock });
  let url = "";
  const tasks = createTaskRepository(db);
  const { taskLifecycle, endpointLifecycle } = testLifecycles({ db, tasks, endpoints, clock });
  const endpointService = new EndpointService({
    endpoints,
    lifecycle: endpointLifecycle,
    bundles,
    scheduler: idleScheduler,
    logs,
    ids,
    clock,
    allowSyncScaleFromZero: true,
  });
  // Batch jobs are created here but never run (their orchestrator is idle, like the scheduler).
  const idleOrchestrator = { start: () => undefined, cancel: async () => undefined, progress: () => null };
  const services: Services = {
    bundles: new BundleService({ bundles, blobs, ids, clock, inputs: ONLY_BLOB_STORE }),
    endpoints: endpointService,
    tasks: new TaskService({ endpoints, tasks, lifecycle: taskLifecycle, scheduler: idleScheduler, gateway: idleGateway, ids, clock, blobs: blobAccess }),
    batchJobs: new BatchJobService({
      jobs: createBatchJobRepository(db, tasks),
      bundles,
      endpoints: endpointService,
      orchestrator: idleOrchestrator,
      ids,
      clock,
      logger: silentLogger,
      maxWorkersCap: 1,
      hostGpuCount: async () => 0,
      inputs: ONLY_BLOB_STORE,
    }),
    blobs,
    blobAccess,
    logs,
    logger: silentLogger,
    now: () => clock.now(),
    uuid: () => ids.uuid(),
    publicUrl: () => url,
    signingSecret: SIGNING_SECRET,
    signedUrlTtlSeconds: 300,
    maxBodyBytes: options.maxBodyBytes ?? 1 << 20,
    allowedKeys: null,
    adminKeys: null,
    info: () => ({}),
    // No workers here: the control API sees none (its blob routes work on the real folder).
    control: new ControlService({
      endpoints,
      logs,
      blobs: blobAccess,
      faults: new FaultRegistry(),
      scheduler: { listWorkers: () => [], killWorker: () => false, scaleNow: () => undefined },
      info: () => ({ version: "test", runtime: "none", data_dir: dir, url }),
      reset: async () => undefined,
      hasAdminKeys: false,
    }),
  };
  const server = createAdaptorServer({ fetch: createApp(services).fetch }) as Server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    server,
    url,
    clock,
    blobs,
    endpoints,
    logs,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
