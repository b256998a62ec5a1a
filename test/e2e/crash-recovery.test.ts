import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliProcess, readPortFile, startCli, waitFor } from "../helpers/cli-process.js";
import { buildPickle, LaunchHttp } from "../helpers/launch-http.js";

const dataDir = mkdtempSync(join(tmpdir(), "launch-local-recovery-"));
const running: CliProcess[] = [];

async function startServer(name: string): Promise<LaunchHttp> {
  const portFile = join(dataDir, `${name}.port`);
  const cli = startCli(["--port", "0", "--port-file", portFile, "--data-dir", join(dataDir, "state"), "--runtime", "process", "--log-level", "warn"]);
  running.push(cli);
  const port = await waitFor(() => readPortFile(portFile), 20_000, `${name} port file`);
  return new LaunchHttp(`http://127.0.0.1:${port}`);
}

afterAll(async () => {
  for (const cli of running) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill("SIGTERM");
      await cli.exited;
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const SLOW_ECHO = `
import time
def load_model_fn():
    return None
def load_predict_fn(model):
    def predict(**kwargs):
        time.sleep(0.05)
        return kwargs
    return predict
`;

describe("nothing lost: SIGKILL the server with async tasks in flight, restart on the same data dir", () => {
  it("completes every PENDING or STARTED task and brings the endpoint back with its workers", async () => {
    const first = await startServer("first");
    const bundleId = await first.createCloudpickleBundle("slow-echo", buildPickle(SLOW_ECHO));
    const endpointId = await first.createEndpoint("slow", bundleId, { min_workers: 1, max_workers: 1, per_worker: 1 });
    await first.waitForWorkers(endpointId, 60_000);

    const taskIds: string[] = [];
    for (let i = 0; i < 40; i++) {
      const { task_id } = await first.ok<{ task_id: string }>("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { i } });
      taskIds.push(task_id);
    }
    const firstCli = running[0];
    if (!firstCli) throw new Error("no first server");
    firstCli.child.kill("SIGKILL");
    await firstCli.exited;

    const second = await startServer("second");
    await second.waitForWorkers(endpointId, 60_000);
    const results = new Map<string, { status: string; result: unknown }>();
    await waitFor(
      async () => {
        for (const id of taskIds) {
          if (results.get(id)?.status === "SUCCESS") continue;
          const task = await second.ok<{ status: string; result: unknown }>("GET", `/v1/async-tasks/${id}`);
          expect(["PENDING", "STARTED", "SUCCESS"]).toContain(task.status);
          results.set(id, task);
        }
        return [...results.values()].every((t) => t.status === "SUCCESS") ? true : null;
      },
      60_000,
      "every task to succeed after the restart",
    );
    taskIds.forEach((id, i) => expect(results.get(id)?.result).toEqual({ result: `{"i": ${i}}` }));
  }, 180_000);
});
