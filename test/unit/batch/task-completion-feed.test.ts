import { describe, expect, it } from "vitest";
import { createTaskCompletionFeed } from "../../../src/domain/batch/task-completion-feed.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { openDatabase } from "../../../src/store/database.js";
import { createTaskRepository } from "../../../src/store/task-repository.js";
import { predictRequest } from "../tasks/fakes.js";

describe("task completion feed", () => {
  it("announces each terminal write after it is committed, and survives a throwing listener", () => {
    const db = openDatabase(":memory:");
    const feed = createTaskCompletionFeed(createTaskRepository(db), silentLogger);
    const seen: string[] = [];
    feed.subscribe(() => {
      throw new Error("listener bug");
    });
    const unsubscribe = feed.subscribe((taskId, status) => seen.push(`${taskId} ${status} ${feed.tasks.get(taskId)?.status ?? "?"}`));
    const base = {
      endpointId: "end_1",
      owner: "me",
      status: "PENDING" as const,
      request: predictRequest(),
      result: null,
      traceback: null,
      statusCode: null,
      createdAt: 0,
      startedAt: null,
      completedAt: null,
      attempts: 0,
    };
    feed.tasks.insert({ ...base, id: "t1" });
    feed.tasks.insert({ ...base, id: "t2" });
    expect(feed.tasks.markStarted("t1", 1)).toBe(true);
    feed.tasks.complete("t1", "SUCCESS", { result: "1" }, null, null, 2);
    unsubscribe();
    feed.tasks.complete("t2", "FAILURE", "boom", null, null, 3);
    expect(seen).toEqual(["t1 SUCCESS SUCCESS"]);
    expect(feed.tasks.get("t2")?.status).toBe("FAILURE");
    db.close();
  });
});
