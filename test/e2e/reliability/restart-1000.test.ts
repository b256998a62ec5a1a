import Database from "better-sqlite3";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "../../helpers/cli-process.js";
import { buildPickle, type LaunchHttp } from "../../helpers/launch-http.js";
import { ECHO_SOURCE, type RunningServer, startServer } from "./server.js";

/**
 * Nothing lost (DESIGN.md principle 4): the server is SIGKILLed with 1,000 async tasks accepted (the
 * first half finished, the second half held back by a gate file, so work is surely cut off) and
 * restarted on the same data dir. Every task ends SUCCESS with its own result, and no task's status
 * ever goes backwards as seen by a client polling throughout: PENDING/STARTED → SUCCESS, never
 * SUCCESS → anything else (a STARTED task may go back to PENDING: that is its redelivery, §4.4).
 */
const TASKS = 1000;
const dataDir = mkdtempSync(join(tmpdir(), "launch-local-restart-"));
/** Tasks from the second half on wait for this file, created after the restart. */
const gate = join(dataDir, "gate");
const argsOf = (i: number): Record<string, unknown> => (i < TASKS / 2 ? { i, sleep: 0.02 } : { i, sleep: 0.02, gate });
const servers: RunningServer[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

interface TaskView {
  status: string;
  result: unknown;
}

/** Runs `work` over `items` with at most `limit` at once. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        const item = items[index];
        if (item !== undefined) await work(item, index);
      }
    }),
  );
}

/** Polls every task over and over, through whichever server is up, recording each status change. */
class Poller {
  readonly history = new Map<string, string[]>();
  readonly firstResult = new Map<string, string>();
  readonly resultChanges: string[] = [];
  target: LaunchHttp | null = null;
  private isStopped = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly ids: readonly string[]) {}

  start(): void {
    this.loop = (async () => {
      while (!this.isStopped) {
        await inPool(this.ids, 32, async (id) => this.pollOne(id));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    await this.loop;
  }

  isAllSuccess(ids: readonly string[] = this.ids): boolean {
    return ids.every((id) => this.history.get(id)?.at(-1) === "SUCCESS");
  }

  private async pollOne(id: string): Promise<void> {
    const target = this.target;
    if (target === null || this.isStopped) return;
    let task: TaskView;
    try {
      task = await target.ok<TaskView>("GET", `/v1/async-tasks/${id}`);
    } catch {
      return; // The server is down between the kill and the restart.
    }
    const seen = this.history.get(id) ?? [];
    if (seen.at(-1) !== task.status) this.history.set(id, [...seen, task.status]);
    if (task.status === "SUCCESS") {
      const result = JSON.stringify(task.result);
      const first = this.firstResult.get(id);
      if (first === undefined) this.firstResult.set(id, result);
      else if (first !== result) this.resultChanges.push(`${id}: ${first} → ${result}`);
    }
  }
}

function statusCounts(): Record<string, number> {
  const db = new Database(join(dataDir, "state", "launch-local.sqlite"), { readonly: true });
  try {
    const rows: unknown[] = db.prepare("SELECT status, COUNT(*) AS n FROM async_tasks GROUP BY status").all();
    const counts: Record<string, number> = {};
    for (const row of rows) {
      if (typeof row === "object" && row !== null && "status" in row && "n" in row) counts[String(row.status)] = Number(row.n);
    }
    return counts;
  } finally {
    db.close();
  }
}

describe("SIGKILL with 1,000 async tasks in flight, then a restart on the same data dir", () => {
  it("finishes every task SUCCESS, loses none, and never moves a status backwards", async () => {
    const first = await startServer(dataDir);
    servers.push(first);
    const bundleId = await first.http.createCloudpickleBundle("echo", buildPickle(ECHO_SOURCE));
    const endpointId = await first.http.createEndpoint("echo", bundleId, { min_workers: 1, max_workers: 4, per_worker: 1 });
    await first.http.waitForWorkers(endpointId, 60_000);

    const ids: string[] = new Array<string>(TASKS).fill("");
    const submit = async (from: number): Promise<void> =>
      inPool(ids.slice(from, from + TASKS / 2), 50, async (_id, offset) => {
        const i = from + offset;
        const created = await first.http.ok<{ task_id: string }>("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: argsOf(i) });
        ids[i] = created.task_id;
      });
    // The ungated half is queued first (FIFO), so no gated task can take a worker before it.
    await submit(0);
    await submit(TASKS / 2);
    const poller = new Poller(ids);
    poller.target = first.http;
    poller.start();
    const ungated = ids.slice(0, TASKS / 2);
    await waitFor(() => (poller.isAllSuccess(ungated) ? true : null), 120_000, "the ungated half to succeed");
    await first.kill();

    const atKill = statusCounts();
    expect(Object.values(atKill).reduce((sum, n) => sum + n, 0)).toBe(TASKS);
    // Some work was cut off mid-way: otherwise this test would prove nothing.
    expect((atKill["PENDING"] ?? 0) + (atKill["STARTED"] ?? 0)).toBe(TASKS / 2);

    const second = await startServer(dataDir);
    writeFileSync(gate, "");
    servers.push(second);
    poller.target = second.http;
    await waitFor(() => (poller.isAllSuccess() ? true : null), 180_000, "every task to succeed after the restart");
    await poller.stop();

    for (const [i, id] of ids.entries()) {
      const task = await second.http.ok<TaskView>("GET", `/v1/async-tasks/${id}`);
      const echoed = i < TASKS / 2 ? `{"i": ${i}, "sleep": 0.02}` : `{"i": ${i}, "sleep": 0.02, "gate": ${JSON.stringify(gate)}}`;
      expect(task, `task ${i}`).toEqual({ task_id: id, status: "SUCCESS", result: { result: echoed }, traceback: null, status_code: null });
      const seen = poller.history.get(id) ?? [];
      expect(
        seen.filter((status) => !["PENDING", "STARTED", "SUCCESS"].includes(status)),
        `task ${i}: ${seen.join(" → ")}`,
      ).toEqual([]);
      expect(seen.indexOf("SUCCESS"), `task ${i}: ${seen.join(" → ")}`).toBe(seen.length - 1);
    }
    expect(poller.resultChanges).toEqual([]);
    expect(statusCounts()).toEqual({ SUCCESS: TASKS });
  }, 300_000);
});
