import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app.js";
import { stepOfHandler } from "../../src/http/pipeline/hono-steps.js";
import { pipelineSteps } from "../../src/http/pipeline/steps.js";
import { taskDoorRoutes } from "../../src/http/routes/task-doors.js";
import { createInstance, type Instance } from "../../src/instance.js";
import { createFakeRuntime } from "../helpers/fake-runtime.js";

/**
 * One pipeline, two front doors (ARCHITECTURE.md "Front doors"): the steps are one list
 * (pipeline/steps.ts) that hono mounts and the door routes run themselves, the same function the
 * fast lane calls. A middleware mounted in app.ts outside that list would run for hono's routes and
 * never for the door routes; these tests read hono's own router to catch one.
 */
const auth = `Basic ${Buffer.from("me:").toString("base64")}`;
let instance: Instance;
const lines: string[] = [];

beforeAll(async () => {
  const runtime = createFakeRuntime();
  instance = await createInstance(
    { port: 0, ephemeral: true, logLevel: "debug", logFormat: "json" },
    { runtime: () => runtime, logWriter: (line) => lines.push(line) },
  );
});
afterAll(async () => {
  await instance.close();
});

/** What hono runs for a request, in order: each handler's step (or door route) name. */
function handlersFor(method: string, path: string): string[] {
  const app = createApp(instance.services);
  return app.router.match(method, path)[0].map((entry) => stepOfHandler(entry[0][0]) ?? "a handler outside the pipeline's list");
}

describe("the pipeline both front doors run", () => {
  it("has hono answer a door route before any middleware, and every middleware that matches it is a listed step", () => {
    const steps = pipelineSteps(instance.services).map((step) => step.name);
    expect(steps).toEqual(["access-log", "commit-wait", "json-body", "job-caller", "auth"]);
    for (const route of taskDoorRoutes(instance.services)) {
      const path = route.path.replace(":task_id", "some-task");
      // The door's handler runs the listed steps itself; nothing after it runs (it never calls next).
      expect(handlersFor(route.method, path), `${route.method} ${route.path}`).toEqual([`door:${route.name}`, ...steps]);
    }
  });

  it("has hono run the same list, in order, before its other routes", () => {
    const steps = pipelineSteps(instance.services).map((step) => step.name);
    for (const [method, path] of [
      ["GET", "/v1/model-endpoints"],
      ["POST", "/v1/streaming-tasks"],
      ["POST", "/v1/batch-jobs"],
    ] as const) {
      expect(handlersFor(method, path).slice(0, steps.length), `${method} ${path}`).toEqual(steps);
    }
  });

  it("runs a listed step on both doors: one access-log line per request, lane or hono", async () => {
    lines.length = 0;
    const viaLane = await request(instance.url).post("/v1/sync-tasks?model_endpoint_id=end_nope").set("authorization", auth).send({ args: {} });
    const viaHono = await request(instance.url).post("/v1/launch/v1/sync-tasks?model_endpoint_id=end_nope").set("authorization", auth).send({ args: {} });
    expect([viaLane.status, viaHono.status]).toEqual([404, 404]);
    expect(viaLane.text).toBe(viaHono.text);
    const access = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.component === "http" && typeof entry.status === "number")
      .map((entry) => [entry.method, entry.path, entry.status]);
    expect(access).toEqual([
      ["POST", "/v1/sync-tasks", 404],
      ["POST", "/v1/sync-tasks", 404],
    ]);
  });
});
