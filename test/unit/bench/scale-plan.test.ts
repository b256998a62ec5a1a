import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { cappedCounts, seedStatement } from "../../../scripts/bench/scale-plan.mjs";

describe("bench row 14 plan", () => {
  it("keeps every endpoint count that fits half the available memory, and says why it stops", () => {
    expect(cappedCounts([1, 10, 100], 20, 10_000)).toEqual({ counts: [1, 10, 100], reason: null });
    const capped = cappedCounts([1, 10, 100], 20, 2_000);
    expect(capped.counts).toEqual([1, 10, 50]);
    expect(capped.reason).toBe("100 idle workers × 20.0 MiB would take more than 50 % of the 2000 MiB available: capped at 50");
    expect(cappedCounts([1, 10, 100], 20, 10).counts).toEqual([1]);
    expect(cappedCounts([1, 10, 100], null, 10)).toEqual({ counts: [1, 10, 100], reason: null });
  });

  it("copies a task row as history with its own ids and older creation times", () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE async_tasks (id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL)");
    db.prepare("INSERT INTO async_tasks VALUES ('t', 'e', 'SUCCESS', 1000)").run();
    const insert = db.prepare(seedStatement(["id", "endpoint_id", "status", "created_at"]));
    insert.run({ from: 1, to: 3, template: "t" });
    insert.run({ from: 4, to: 5, template: "t" });
    const rows = db.prepare("SELECT id, endpoint_id, status, created_at FROM async_tasks ORDER BY created_at DESC").all();
    expect(rows).toEqual([
      { id: "t", endpoint_id: "e", status: "SUCCESS", created_at: 1000 },
      ...[1, 2, 3, 4, 5].map((n) => ({ id: `t-h${n}`, endpoint_id: "e", status: "SUCCESS", created_at: 1000 - n })),
    ]);
    db.close();
  });
});
