import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { type Server, createServer } from "node:http";
import { FakeClock } from "../../src/domain/clock.js";
import { isLaunchError } from "../../src/domain/errors.js";
import type { IdGenerator } from "../../src/domain/ids.js";
import { silentLogger } from "../../src/domain/logger.js";
import type { TaskRepository } from "../../src/domain/ports.js";
import { TaskService } from "../../src/domain/tasks/task-service.js";
import type { HttpEnv } from "../../src/http/context.js";
import { responseForLaunchError } from "../../src/http/error-table.js";
import { attachFastLane } from "../../src/http/fast-lane/fast-lane.js";
import { createTaskLane } from "../../src/http/fast-lane/task-lane.js";
import { mountDoors, mountSteps } from "../../src/http/pipeline/hono-steps.js";
import { pipelineSteps } from "../../src/http/pipeline/steps.js";
import { routedPath } from "../../src/http/routed-path.js";
import { taskDoorRoutes } from "../../src/http/routes/task-doors.js";
import { taskRoutes } from "../../src/http/routes/tasks.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { createTaskRepository } from "../../src/store/task-repository.js";
import { FakeEndpointRepository, FakeScheduler, makeEndpoint } from "../unit/tasks/fakes.js";
import { testLifecycles } from "../helpers/lifecycles.js";
import { type FailingCommits, failingCommits } from "../helpers/failing-commits.js";

/**
 * The task routes behind the same pipeline as app.ts (its steps, the door routes, coded-error
 * mapping), over real SQLite, Node's server with the fast lane in front, and a fake scheduler. Both
 * front doors answer: a door route's plain target is the lane's, and the same request under the
 * `/v1/launch` prefix (routed-path.ts) is always hono's (`doorPath`). Stands in until the full test
 * app can be built with a scripted scheduler.
 */
export type Door = "lane" | "hono";

export const doorPath = (door: Door, path: string): string => (door === "hono" ? `/v1/launch${path}` : path);

export interface TasksTestApp {
  server: Server;
  db: Db;
  tasks: TaskRepository;
  scheduler: FakeScheduler;
  /** The store seam: makes the next commits fail as on a full disk. */
  commits: FailingCommits;
  /** Requests the fast lane has answered itself. */
  laneServed(): number;
  /** Requests Node's server handed to hono (none, for a door route's plain requests). */
  honoServed(): number;
  close(): void;
}

export const auth = (user = "me"): string => `Basic ${Buffer.from(`${user}:`).toString("base64")}`;

export function createTasksTestApp(options: { pingIntervalMs?: number } = {}): TasksTestApp {
  const db = openDatabase(":memory:");
  const commits = failingCommits(db);
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
  const service = new TaskService({
    endpoints,
    tasks,
    lifecycle: testLifecycles({ db, tasks, clock }).taskLifecycle,
    scheduler,
    gateway: scheduler,
    ids,
    clock,
    blobs: { assertReadable: () => undefined, claim: () => undefined },
  });

  const services = {
    tasks: service,
    now: () => clock.now(),
    uuid: ids.uuid,
    logger: silentLogger,
    maxBodyBytes: 1 << 20,
    allowedKeys: null,
    adminKeys: null,
  };
  const steps = pipelineSteps(services);
  const app = new Hono<HttpEnv>({ getPath: (request) => routedPath(request.url) });
  app.onError((error, c) => {
    if (!isLaunchError(error)) return c.json({ error: String(error) }, 500);
    const { status, body, headers } = responseForLaunchError(error);
    return c.json(body, status as 400, headers);
  });
  mountDoors(app, taskDoorRoutes(services), steps, services);
  mountSteps(app, steps, "every-request");
  mountSteps(app, steps, "api-routes");
  app.route("/", taskRoutes(services, options));

  const honoListener = getRequestListener(app.fetch);
  // The adaptor answers a handler's throw itself: its promise only says when the answer is written.
  let honoServed = 0;
  const server = createServer((request, response) => {
    honoServed++;
    void honoListener(request, response);
  });
  const lane = createTaskLane(services);
  let laneServed = 0;
  const fastLane = attachFastLane(server, {
    bodySize: (head) => lane.bodySize(head),
    serve(head, body) {
      const answer = lane.serve(head, body);
      if (answer !== null) laneServed++;
      return answer;
    },
  });
  return {
    server,
    db,
    tasks,
    scheduler,
    commits,
    laneServed: () => laneServed,
    honoServed: () => honoServed,
    close: () => {
      server.close();
      server.closeAllConnections();
      fastLane.closeAllConnections();
      db.close();
    },
  };
}
