import Database from "better-sqlite3";
import request from "supertest";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/domain/clock.js";
import { silentLogger } from "../../src/domain/logger.js";
import { TaskRetention } from "../../src/domain/tasks/task-retention.js";
import { createTaskExpiryStore } from "../../src/store/task-expiry.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { auth, createTasksTestApp, type Door, doorPath, type TasksTestApp } from "./tasks-app.js";

const HOUR = 3_600_000;

/** The bytes GET /v1/async-tasks/{id} answers for an id that never existed (§2.3: 200 PENDING, nulls). */
const unknownAnswer = (id: string): string => `{"task_id":"${id}","status":"PENDING","result":null,"traceback":null,"status_code":null}`;

/** Issue 13 item 11: once expired, a task answers exactly as an unknown id, through both front doors. */
describe.each<Door>(["lane", "hono"])("an expired task through the %s door", (door) => {
  let app: TasksTestApp;
  afterEach(() => app.close());

  it("reads as an id that never existed", async () => {
    app = createTasksTestApp();
    const clock = new FakeClock(Date.UTC(2026, 0, 2));
    const retention = new TaskRetention({
      store: createTaskExpiryStore(app.db),
      results: { removeResult: () => Promise.resolve() },
      clock,
      logger: silentLogger,
      retentionHours: 24,
    });
    const created = await request(app.server)
      .post(doorPath(door, "/v1/async-tasks?model_endpoint_id=end_async"))
      .set("Authorization", auth())
      .send({ args: {} });
    const taskId = String(created.body.task_id);
    app.tasks.complete(taskId, "FAILURE", "boom", "Traceback (most recent call last): …", null, clock.now());
    const get = async (id: string): Promise<request.Response> =>
      request(app.server)
        .get(doorPath(door, `/v1/async-tasks/${id}`))
        .set("Authorization", auth());

    await clock.advance(24 * HOUR - 1);
    await retention.sweep();
    expect(JSON.parse((await get(taskId)).text)).toMatchObject({ status: "FAILURE", result: "boom" });

    await clock.advance(1);
    expect(await retention.sweep()).toBe(1);
    const expired = await get(taskId);
    const neverExisted = await get("00000000-0000-4000-8000-00000000beef");
    expect(expired.status).toBe(200);
    expect(expired.text).toBe(unknownAnswer(taskId));
    expect(expired.text).toBe(neverExisted.text.replaceAll("00000000-0000-4000-8000-00000000beef", taskId));
    expect(expired.headers["content-type"]).toBe(neverExisted.headers["content-type"]);
    await retention.dispose();
  });
});

describe("--task-retention-hours in a running instance", () => {
  let app: TestApp | null = null;
  afterEach(async () => {
    await app?.close();
    app = null;
  });

  it("expires finished tasks on the instance's clock, a minute's sweep after their retention", async () => {
    const clock = new FakeClock(Date.now());
    app = await createTestApp({ clock, taskRetentionHours: 0.5 });
    // A finished task written as another process would (the bench's way): the instance reads the same file.
    const file = new Database(join(app.instance.config.dataDir, "launch-local.sqlite"));
    const insert = file.prepare(
      `INSERT INTO async_tasks (id, endpoint_id, owner, status, request, result, created_at, completed_at, attempts)
         VALUES (?, 'end_x', 'me', ?, '{}', ?, ?, ?, 0)`,
    );
    insert.run("done-task", "SUCCESS", '{"result": "1"}', clock.now(), clock.now());
    insert.run("pending-task", "PENDING", null, clock.now(), null);
    file.close();
    const status = async (id: string): Promise<string> => {
      const response = await fetch(`${app?.url ?? ""}/v1/async-tasks/${id}`, { headers: { authorization: app?.auth() ?? "" } });
      return ((await response.json()) as { status: string }).status;
    };
    expect(await status("done-task")).toBe("SUCCESS");
    await clock.advance(HOUR / 2);
    expect(await status("done-task")).toBe("SUCCESS");
    await clock.advance(60_000);
    // The sweep the timer started runs on the event loop; wait for its outcome, a request at a time.
    for (let i = 0; i < 200 && (await status("done-task")) !== "PENDING"; i++);
    expect(await status("done-task")).toBe("PENDING");
    const row = (id: string): unknown => {
      const reader = new Database(join(app?.instance.config.dataDir ?? "", "launch-local.sqlite"), { readonly: true });
      try {
        return reader.prepare("SELECT status FROM async_tasks WHERE id = ?").get(id) ?? null;
      } finally {
        reader.close();
      }
    };
    expect(row("done-task")).toBeNull();
    expect(row("pending-task")).toEqual({ status: "PENDING" });
  });
});
