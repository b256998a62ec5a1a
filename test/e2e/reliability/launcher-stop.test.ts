import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, REPO_ROOT, readPortFile, waitFor } from "../../helpers/cli-process.js";
import { buildPickle, LaunchHttp } from "../../helpers/launch-http.js";
import { live, processTable } from "./proc-table.js";
import { ECHO_SOURCE } from "./server.js";

/**
 * Issue 13 item 9: stopping whatever launched launch-local stops it and every worker. `npx` signals
 * its shell only (test/helpers/npx-like.mjs reproduces that), which left the server and its workers
 * under PID 1, serving. Checked in the process table: nothing carrying the run's marker, and none of
 * its workers, is left once the launcher is gone.
 */
const NPX_LIKE = join(REPO_ROOT, "test", "helpers", "npx-like.mjs");
const scratch = mkdtempSync(join(tmpdir(), "launch-local-launcher-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Live processes whose environment holds MARKER=<marker> (the launcher, its shell, launch-local). */
async function marked(marker: string): Promise<number[]> {
  const found = await Promise.all(
    live(await processTable()).map(async (entry) =>
      (await readFile(`/proc/${entry.pid}/environ`, "utf8").catch(() => "")).includes(`LAUNCH_STOP_MARKER=${marker}\0`) ? entry.pid : null,
    ),
  );
  return found.filter((pid): pid is number => pid !== null && pid !== process.pid);
}

const isAlive = async (pid: number): Promise<boolean> => live(await processTable()).some((entry) => entry.pid === pid);

/** Polls until none of `pids` and no marked process is alive; returns what is left at the deadline. */
async function leftAfter(marker: string, pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = (await Promise.all(pids.map(async (pid) => ((await isAlive(pid)) ? pid : null)))).filter((pid): pid is number => pid !== null);
    const left = [...new Set([...(await marked(marker)), ...alive])];
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("stopping the launcher stops launch-local and its workers", () => {
  it("under an npx-like launcher that signals only its shell", async () => {
    const marker = randomUUID();
    const portFile = join(scratch, "port-npx");
    const launcher = spawn(
      process.execPath,
      [
        NPX_LIKE,
        process.execPath,
        CLI,
        "--port",
        "0",
        "--port-file",
        portFile,
        "--data-dir",
        join(scratch, "state"),
        "--runtime",
        "process",
        "--log-level",
        "warn",
      ],
      {
        env: { ...process.env, LAUNCH_STOP_MARKER: marker },
        stdio: "ignore",
      },
    );
    try {
      const port = await waitFor(() => readPortFile(portFile), 30_000, "the port file");
      const http = new LaunchHttp(`http://127.0.0.1:${port}`);
      const endpointId = await http.createEndpoint("echo", await http.createCloudpickleBundle("echo", buildPickle(ECHO_SOURCE)), { endpoint_type: "sync" });
      await http.waitForWorkers(endpointId, 60_000);
      const workers = (await http.ok<{ workers: { pid: number | null }[] }>("GET", `/_launch_local/endpoints/${endpointId}/workers`)).workers;
      const workerPids = workers.flatMap((worker) => (worker.pid === null ? [] : [worker.pid]));
      expect(workerPids.length).toBe(1);
      expect((await marked(marker)).length).toBeGreaterThanOrEqual(3);
      launcher.kill("SIGTERM");
      expect(await leftAfter(marker, workerPids, 20_000)).toEqual([]);
    } finally {
      for (const pid of await marked(marker)) process.kill(pid, "SIGKILL");
    }
  }, 120_000);

  it("at the end of a session of the pytest plugin's fixture, by its own process-group stop", async () => {
    const marker = randomUUID();
    const pidsFile = join(scratch, "worker-pids");
    const pytest = spawn(
      "python3",
      ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_launch_local.plugin", join(REPO_ROOT, "test", "e2e", "python", "fixture_session")],
      {
        env: {
          ...process.env,
          LAUNCH_STOP_MARKER: marker,
          LAUNCH_FIXTURE_PIDS_FILE: pidsFile,
          // The plugin from the repository, as a user's `pip install` would put it on the path.
          PYTHONPATH: join(REPO_ROOT, "python", "pytest-launch-local"),
          LAUNCH_LOCAL_COMMAND: `${process.execPath} ${NPX_LIKE} ${process.execPath} ${CLI} --runtime process`,
          LAUNCH_LOCAL_LOG_LEVEL: "warn",
          // Only the fixture's own stop is under test here (the parent watch is the case above).
          LAUNCH_LOCAL_EXIT_WITH_PARENT: "false",
          PYTHONDONTWRITEBYTECODE: "1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    pytest.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    pytest.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => pytest.once("exit", resolve));
    try {
      expect(output).toMatch(/1 passed/);
      expect(code).toBe(0);
      const workerPids = readFileSync(pidsFile, "utf8").trim().split(" ").map(Number);
      expect(workerPids.length).toBe(1);
      // The fixture returns once its launcher's group is empty; the worker goes with launch-local.
      expect(await leftAfter(marker, workerPids, 10_000)).toEqual([]);
    } finally {
      for (const pid of await marked(marker)) process.kill(pid, "SIGKILL");
    }
  }, 120_000);
});
