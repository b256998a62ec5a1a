/**
 * A full disk while async tasks are submitted and complete (README "Reliability"): the data dir on a
 * real 20 MiB tmpfs, filled to the last byte. Submits answer a 500 naming the cause, task writes
 * that did not commit are held and written again, the failure is logged once, and once space returns
 * every accepted task reaches SUCCESS without a restart. Needs root for `mount` (CI runs as root);
 * elsewhere it is skipped with the reason in its name. The store seam for the same: test/unit/
 * scheduler/failed-commits.test.ts.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createInstance, type Instance } from "../../src/instance.js";
import { createFakeRuntime } from "../helpers/fake-runtime.js";
import { LaunchHttp } from "../helpers/launch-http.js";
import { waitFor } from "../helpers/wait-for.js";

const mountPoint = mkdtempSync(join(tmpdir(), "launch-local-full-disk-"));

function mountTmpfs(): string | null {
  if (process.platform !== "linux") return "tmpfs mounts need Linux";
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=20m", "tmpfs", mountPoint], { stdio: "pipe" });
    return null;
  } catch (error) {
    const stderr = typeof error === "object" && error !== null && "stderr" in error ? String(error.stderr).trim() : String(error);
    return `mount -t tmpfs is not permitted here (${stderr || "no permission"}); CI runs it as root`;
  }
}

const mountProblem = mountTmpfs();
const instances: Instance[] = [];

afterAll(async () => {
  await Promise.all(instances.splice(0).map((instance) => instance.close()));
  if (mountProblem === null) execFileSync("umount", [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Writes zeros until the file system refuses (ENOSPC), in ever smaller pieces down to one byte. */
function fillDisk(path: string): void {
  const fd = openSync(path, "w");
  try {
    for (let size = 1 << 20; size >= 1; size >>= 1) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

const until = <T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> => waitFor(probe, timeoutMs, what);

const BIG = "x".repeat(16 * 1024);

describe("a full disk under the data dir", () => {
  it.skipIf(mountProblem !== null)(
    `answers submits with the cause, holds the task writes, and finishes every accepted task once space returns${mountProblem === null ? "" : ` (skipped: ${mountProblem})`}`,
    async () => {
      const lines: string[] = [];
      // Workers hold their answers until the disk is full, so that the tasks complete on a full disk.
      let openGate = (): void => undefined;
      const gate = new Promise<void>((resolve) => {
        openGate = resolve;
      });
      const runtime = createFakeRuntime({ handler: async () => gate.then(() => undefined) });
      const instance = await createInstance(
        { port: 0, dataDir: join(mountPoint, "data"), logLevel: "info" },
        { runtime: () => runtime, logWriter: (line) => lines.push(line) },
      );
      instances.push(instance);
      const http = new LaunchHttp(instance.url);
      const bundleId = await http.createCloudpickleBundle("echo", Buffer.from("not a real pickle: the fake runtime never opens it"));
      const endpointId = await http.createEndpoint("echo", bundleId, { min_workers: 2, max_workers: 2 });
      await http.waitForWorkers(endpointId, 20_000);
      const accepted: string[] = [];
      for (let i = 0; i < 40; i++)
        accepted.push((await http.ok<{ task_id: string }>("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { i, big: BIG } })).task_id);

      const filler = join(mountPoint, "filler");
      fillDisk(filler);
      // A submit now needs new space for its 16 KiB row: refused, with the cause in words.
      let refusal: { status: number; json: unknown } | null = null;
      for (let i = 0; i < 200 && refusal === null; i++) {
        const res = await http.call("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { late: i, big: BIG } });
        if (res.status === 200) accepted.push((res.json as { task_id: string }).task_id);
        else refusal = res;
      }
      expect(refusal).toEqual({
        status: 500,
        json: { detail: "launch-local could not write its database: the disk holding the data dir is full (SQLITE_FULL: database or disk is full)." },
      });
      openGate();

      const statusOf = async (taskId: string): Promise<string> => (await http.ok<{ status: string }>("GET", `/v1/async-tasks/${taskId}`)).status;
      // The workers answered; what did not commit is held, not lost. Logged once for the episode.
      await until("the workers to go idle", 20_000, async () => (runtime.workers.every((worker) => worker.active === 0) ? true : null));
      await until("the failure to be logged", 20_000, async () =>
        lines.some((line) => line.includes("task status writes are not reaching the database")) ? true : null,
      );

      rmSync(filler);
      await until("every accepted task to finish", 30_000, async () => {
        for (const taskId of accepted) if ((await statusOf(taskId)) !== "SUCCESS") return null;
        return true;
      });
      expect(lines.filter((line) => line.includes("task status writes are not reaching the database"))).toHaveLength(1);
      const after = await http.ok<{ task_id: string }>("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { after: true } });
      await until("a task submitted after space returned", 20_000, async () => ((await statusOf(after.task_id)) === "SUCCESS" ? true : null));
    },
    120_000,
  );
});
