import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { Server } from "node:http";
import { FakeClock } from "../../src/domain/clock.js";
import { isLaunchError } from "../../src/domain/errors.js";
import type { IdGenerator } from "../../src/domain/ids.js";
import { silentLogger } from "../../src/domain/logger.js";
import type { TaskRepository } from "../../src/domain/ports.js";
import { TaskService } from "../../src/domain/tasks/task-service.js";
import { authMiddleware } from "../../src/http/auth.js";
import { jsonBodyMiddleware } from "../../src/http/body.js";
import type { HttpEnv } from "../../src/http/context.js";
import { responseForLaunchError } from "../../src/http/error-table.js";
import { taskRoutes } from "../../src/http/routes/tasks.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { createTaskRepository } from "../../src/store/task-repository.js";
import { FakeEndpointRepository, FakeScheduler, makeEndpoint } from "../unit/tasks/fakes.js";

/**
 * The task routes behind the same pipeline pieces as app.ts (JSON body, auth, coded-error mapping),
 * over real SQLite and the Node adapter, with a fake scheduler. Stands in until the full test app
 * can be built with a scripted scheduler.
 */
export interface TasksTestApp {
  server: Server;
  db: Db;
  tasks: TaskRepository;
  scheduler: FakeScheduler;
  close(): void;
}

export const auth = (user = "me"): string => `Basic ${Buffer.from(`${user}:`).toString("base64")}`;

export function createTasksTestApp(options: { pingIntervalMs?: number } = {}): TasksTestApp {
  const db = openDatabase(":memory:");
  const tasks = createTaskRepository(db);
  const scheduler = new FakeScheduler();
  const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  let counter = 0;
  const ids: IdGenerator = {
    xid: (prefix) => `${prefix}x`,
    uuid: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, "0")}`,
  };
  const endpoints = new FakeEndpointRepository([
    makeEndpoint({ id: "end_async", endpointType: "async" }),
    makeEndpoint({ id: "end_sync", endpointType: "sync" }),
    makeEndpoint({ id: "end_stream", endpointType: "streaming" }),
    makeEndpoint({ id: "end_pub_stream", endpointType: "streaming", owner: "other", publicInference: true }),
  ]);
  // Owners and the input policy of task urls are held by test/integration/input-locations.test.ts.
  const service = new TaskService({ endpoints, tasks, scheduler, gateway: scheduler, ids, clock, blobs: { assertReadable: () => undefined, claim: () => undefined } });

  const app = new Hono<HttpEnv>();
  app.onError((error, c) => {
    if (!isLaunchError(error)) return c.json({ error: String(error) }, 500);
    const { status, body, headers } = responseForLaunchError(error);
    return c.json(body, status as 400, headers);
  });
  app.use("*", jsonBodyMiddleware(1 << 20));
  app.use("*", authMiddleware(null));
  app.route("/", taskRoutes({ tasks: service, now: () => clock.now(), logger: silentLogger }, options));

  const server = createAdaptorServer({ fetch: app.fetch });
  if (!(server instanceof Server)) throw new Error("expected an HTTP/1 server");
  return {
    server,
    db,
    tasks,
    scheduler,
    close: () => {
      server.close();
      db.close();
    },
  };
}
