import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createAdaptorServer } from "@hono/node-server";
import { createLocalBlobStore } from "./blobs/local-blob-store.js";
import { ConfigError, type LaunchLocalOptions, type ResolvedConfig, resolveConfig } from "./config/options.js";
import { BundleService } from "./domain/bundles/bundle-service.js";
import { type Clock, systemClock } from "./domain/clock.js";
import { EndpointService } from "./domain/endpoints/endpoint-service.js";
import { createIdGenerator } from "./domain/ids.js";
import { createLogger, type Logger } from "./domain/logger.js";
import type { WorkerRuntime } from "./domain/ports.js";
import { TaskService } from "./domain/tasks/task-service.js";
import { createApp } from "./http/app.js";
import type { Services } from "./http/services.js";
import { createProcessRuntime } from "./runtime/process/process-runtime.js";
import { createScheduler, type Scheduler } from "./scheduler/scheduler.js";
import { createBundleRepository } from "./store/bundle-repository.js";
import { type Db, openDatabase } from "./store/database.js";
import { createEndpointLogRepository } from "./store/endpoint-log-repository.js";
import { createEndpointRepository } from "./store/endpoint-repository.js";
import { createTaskRepository } from "./store/task-repository.js";
import { VERSION } from "./version.js";

/** Hooks for tests: replace the worker runtime or the clock. Not part of the public options. */
export interface InstanceOverrides {
  runtime?: (context: { config: ResolvedConfig; logger: Logger; blobRoot: string }) => WorkerRuntime;
  clock?: Clock;
  env?: Record<string, string | undefined>;
  cwd?: string;
  logWriter?: (line: string) => void;
}

export interface Instance {
  readonly url: string;
  readonly port: number;
  readonly config: ResolvedConfig;
  readonly services: Services;
  readonly scheduler: Scheduler;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export const WORKER_SCRIPT = fileURLToPath(new URL("../src/worker/server.py", import.meta.url));

/**
 * The composition root (DESIGN.md "Layout"): config → store → blobs → runtime → scheduler → http.
 * The only file that knows every layer.
 */
export async function createInstance(options: LaunchLocalOptions = {}, overrides: InstanceOverrides = {}): Promise<Instance> {
  const env = overrides.env ?? process.env;
  const config = resolveConfig(options, env, overrides.cwd ?? process.cwd());
  const clock = overrides.clock ?? systemClock;
  const logger = createLogger(config.logLevel, overrides.logWriter ?? ((line) => process.stderr.write(`${line}\n`)));
  const ids = createIdGenerator(() => clock.now());

  const disposers: (() => Promise<void> | void)[] = [];
  const cleanUp = async () => {
    for (const dispose of disposers.reverse()) {
      try {
        await dispose();
      } catch (error) {
        logger.warn("dispose failed", { error: String(error) });
      }
    }
    disposers.length = 0;
    if (config.ephemeral) rmSync(config.dataDir, { recursive: true, force: true });
  };

  try {
    const db = openDatabase(join(config.dataDir, "launch-local.sqlite"));
    disposers.push(() => {
      db.close();
    });
    const endpoints = createEndpointRepository(db);
    const bundles = createBundleRepository(db);
    const tasks = createTaskRepository(db);
    const logs = createEndpointLogRepository(db);
    const signingSecret = config.signingSecret ?? persistentSecret(db);
    const blobRoot = join(config.dataDir, "blobs");
    const blobs = createLocalBlobStore({ root: blobRoot, bucket: config.bucket, signingSecret, ttlSeconds: config.signedUrlTtlSeconds, clock });

    const runtime = overrides.runtime
      ? overrides.runtime({ config, logger, blobRoot })
      : chooseRuntime(config, logger, blobRoot, env);
    disposers.push(() => runtime.dispose());

    const scheduler = createScheduler({
      endpoints,
      bundles,
      tasks,
      logs,
      blobs,
      runtime,
      clock,
      ids,
      logger: logger.child("scheduler"),
      config: {
        scaleDownCooldownMs: config.scaleDownCooldownMs,
        autoscaleIntervalMs: config.autoscaleIntervalMs,
        syncTimeoutSeconds: config.syncTimeoutSeconds,
      },
    });
    disposers.push(() => scheduler.dispose());

    let publicUrl = "";
    const services: Services = {
      bundles: new BundleService({ bundles, blobs, ids, clock }),
      endpoints: new EndpointService({ endpoints, bundles, scheduler, logs, ids, clock, allowSyncScaleFromZero: true, resultsBucket: config.bucket }),
      tasks: new TaskService({ endpoints, tasks, scheduler, ids, clock }),
      blobs,
      logs,
      logger,
      now: () => clock.now(),
      uuid: () => ids.uuid(),
      publicUrl: () => publicUrl,
      signingSecret,
      signedUrlTtlSeconds: config.signedUrlTtlSeconds,
      maxBodyBytes: config.maxBodyBytes,
      allowedKeys: null,
      info: () => ({ version: VERSION, runtime: runtime.name, data_dir: config.dataDir, url: publicUrl }),
    };

    const app = createApp(services);
    const server = createAdaptorServer({ fetch: app.fetch }) as Server;
    server.keepAliveTimeout = 65_000;
    const port = await listen(server, config.port, config.host);
    disposers.push(() => closeServer(server));
    const hostForUrl = config.host.includes(":") ? `[${config.host}]` : config.host;
    publicUrl = `http://${hostForUrl === "0.0.0.0" ? "127.0.0.1" : hostForUrl}:${port}`;

    await scheduler.start();

    let closing: Promise<void> | null = null;
    return {
      url: publicUrl,
      port,
      config,
      services,
      scheduler,
      reset: () => resetState(db, scheduler, endpoints.all().map((e) => e.id), blobRoot),
      close: () => (closing ??= cleanUp()),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

function chooseRuntime(config: ResolvedConfig, logger: Logger, blobRoot: string, env: Record<string, string | undefined>): WorkerRuntime {
  if (config.runtime === "docker") {
    throw new ConfigError("The docker runtime is not available in this version of launch-local yet; use --runtime process.");
  }
  return createProcessRuntime({
    dataDir: config.dataDir,
    python: config.python,
    logger: logger.child("runtime"),
    workerScript: WORKER_SCRIPT,
    blobRoot,
    resultsBucket: config.bucket,
    startTimeoutMs: config.workerStartTimeoutMs,
    env,
  });
}

/** A random signing secret stored with the data, so signed URLs survive a restart. */
function persistentSecret(db: Db): string {
  const row = db.prepare("SELECT value FROM settings WHERE key = 'signing_secret'").get() as { value: string } | undefined;
  if (row) return row.value;
  const secret = randomBytes(32).toString("hex");
  db.prepare("INSERT INTO settings (key, value) VALUES ('signing_secret', ?)").run(secret);
  return secret;
}

async function resetState(db: Db, scheduler: Scheduler, endpointIds: string[], blobRoot: string): Promise<void> {
  await Promise.all(endpointIds.map((id) => scheduler.undeploy(id)));
  db.exec("DELETE FROM async_tasks; DELETE FROM endpoint_logs; DELETE FROM endpoints; DELETE FROM bundles;");
  rmSync(blobRoot, { recursive: true, force: true });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(
        error.code === "EADDRINUSE"
          ? new ConfigError(`Port ${port} on ${host} is already in use. Choose another with --port, or --port 0 for a free one.`)
          : error,
      );
    };
    const onListening = () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
