import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../helpers/cli-process.js";
import { buildPickle } from "../../helpers/launch-http.js";
import { ECHO_SOURCE, type RunningServer, startServer } from "./server.js";

/**
 * The two ways an endpoint looked READY but could never work (README "Reliability"), with the CLI and
 * real Python workers: an interpreter without cloudpickle (`--python`), and a bundle whose
 * load_model_fn raises. Start-up warns about the interpreter; after the crash-loop rule's three failed
 * starts every task and request is answered with the start error instead of waiting for ever.
 */
const BROKEN_LOAD = `
def load_model_fn():
    raise RuntimeError("the model file is corrupt")
def load_predict_fn(model):
    return lambda **kwargs: kwargs
`;

interface EndpointView {
  status: string;
  status_reason: string | null;
}

interface TaskView {
  status: string;
  result: unknown;
  traceback: string | null;
}

const dataDir = mkdtempSync(join(tmpdir(), "launch-local-start-failures-"));
const bare = join(dataDir, "bare-venv");
const servers: RunningServer[] = [];

beforeAll(() => {
  // A fresh virtual environment: the standard library only, as `python3 -m venv` makes it.
  execFileSync("python3", ["-m", "venv", "--without-pip", bare]);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function server(name: string, args: string[] = []): Promise<RunningServer> {
  const started = await startServer(join(dataDir, name), args);
  servers.push(started);
  return started;
}

const failedEndpoint = (s: RunningServer, endpointId: string): Promise<EndpointView> =>
  waitFor(
    async () => {
      const endpoint = await s.http.ok<EndpointView>("GET", `/v1/model-endpoints/${endpointId}`);
      return endpoint.status === "UPDATE_FAILED" ? endpoint : null;
    },
    60_000,
    `${endpointId} UPDATE_FAILED`,
  );

const finishedTask = (s: RunningServer, taskId: string): Promise<TaskView> =>
  waitFor(
    async () => {
      const task = await s.http.ok<TaskView>("GET", `/v1/async-tasks/${taskId}`);
      return task.status === "SUCCESS" || task.status === "FAILURE" ? task : null;
    },
    60_000,
    `task ${taskId} to finish`,
  );

describe("an interpreter without cloudpickle (--python)", () => {
  it("warns at start-up; a min_workers 0 async endpoint's tasks end FAILURE with the start error", async () => {
    const python = join(bare, "bin", "python");
    const s = await server("no-cloudpickle", ["--python", python]);
    const warning = await waitFor(
      () =>
        s.cli
          .stderr()
          .split("\n")
          .find((line) => line.includes("cannot run the worker server")),
      30_000,
      "the interpreter warning",
    );
    expect(warning).toContain(`WARN  [runtime] --python ${python} cannot run the worker server: ModuleNotFoundError: No module named 'cloudpickle'`);
    expect(warning).toContain(`install it (${python} -m pip install cloudpickle)`);

    const bundleId = await s.http.createCloudpickleBundle("echo", buildPickle(ECHO_SOURCE));
    const endpointId = await s.http.createEndpoint("cold-echo", bundleId, { min_workers: 0, max_workers: 1 });
    const { task_id: first } = await s.http.ok<{ task_id: string }>("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { n: 1 } });

    const endpoint = await failedEndpoint(s, endpointId);
    expect(endpoint.status_reason).toMatch(/^Worker failed to start: Worker exited with code 1 before becoming ready; .*No module named 'cloudpickle'/);
    const task = await finishedTask(s, first);
    expect(task.status).toBe("FAILURE");
    expect(task.result).toBe(endpoint.status_reason);
    expect(task.traceback).toContain("ModuleNotFoundError: No module named 'cloudpickle'");

    const { task_id: later } = await s.http.ok<{ task_id: string }>("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { n: 2 } });
    expect(await finishedTask(s, later)).toMatchObject({ status: "FAILURE", result: endpoint.status_reason });
  }, 120_000);
});

describe("a bundle whose load_model_fn raises", () => {
  it("sync: FAILURE with the status_reason once its starts have failed, then at once, however long the request would wait", async () => {
    const s = await server("broken-load");
    const bundleId = await s.http.createCloudpickleBundle("broken", buildPickle(BROKEN_LOAD));
    const endpointId = await s.http.createEndpoint("broken-sync", bundleId, { endpoint_type: "sync", min_workers: 0, max_workers: 1 });
    const sync = () => s.http.call("POST", `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: { n: 1 }, timeout_seconds: 600 });

    // This request wakes the endpoint and waits through its three failed starts.
    const first = await sync();
    const endpoint = await failedEndpoint(s, endpointId);
    expect(endpoint.status_reason).toMatch(/^Worker failed to start: .*RuntimeError: the model file is corrupt/);
    const refused = { status: "FAILURE", result: null, traceback: endpoint.status_reason, status_code: 503 };
    expect(first).toEqual({ status: 200, json: refused });
    // Before, this waited its whole timeout_seconds for a worker that never came.
    expect(await sync()).toEqual({ status: 200, json: refused });
  }, 120_000);
});
