/**
 * The Ray runtime on a real two-node cluster (ray-harness.ts): workers land on the node their
 * resources ask for and answer at its address; the official client's flows (sync, async, streaming,
 * batch) pass unchanged; a killed actor and a crash fault are replaced as under the process runtime;
 * docker-image batch jobs run as actors; a node lost mid-load loses no async task; and nothing of
 * launch-local is left in the cluster after close() or after a SIGKILL.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchLocal, startLaunchLocal } from "../../../src/index.js";
import { REPO_ROOT, readPortFile, startCli, waitFor } from "../../helpers/cli-process.js";
import { LaunchHttp, buildPickle } from "../../helpers/launch-http.js";
import { GPU_NODE_IP, HAS_RAY, HEAD_IP, RAY_PYTHON, type RayCluster, eventually, startRayCluster, workersOf } from "./ray-harness.js";

let cluster: RayCluster;
let launch: LaunchLocal;
let http: LaunchHttp;

const rayOptions = () => ({ runtime: "ray" as const, rayAddress: cluster.address, rayPython: RAY_PYTHON, logLevel: "warn" as const });

/** Returns x, where it ran, and CUDA_VISIBLE_DEVICES (Ray sets it for GPU actors). */
const WHERE_PICKLE = `
def load_model_fn():
    return None

def load_predict_fn(model):
    def predict(x, sleep_ms=0):
        import os, time
        time.sleep(sleep_ms / 1000.0)
        return {"x": x, "pid": os.getpid(), "gpus": os.environ.get("CUDA_VISIBLE_DEVICES")}
    return predict
`;

const runScript = (script: string, args: string[]): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve) => {
    const child = spawn("python3", [join(REPO_ROOT, "test", "e2e", "python", script), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => resolve({ code, output }));
  });

const expectClusterEmpty = async () =>
  eventually(
    async () => {
      const left = await cluster.leftovers();
      return left.actors.length === 0 && left.cpusInUse === 0 ? left : null;
    },
    60_000,
    "the cluster to hold nothing of launch-local",
  );

let bundleId = "";

describe.skipIf(!HAS_RAY)("the Ray runtime on a two-node cluster", () => {
  beforeAll(async () => {
    cluster = await startRayCluster();
    launch = await startLaunchLocal({ port: 0, ephemeral: true, scaleDownCooldownMs: 1000, workerStartTimeoutMs: 60_000, ...rayOptions() });
    http = new LaunchHttp(launch.url);
    bundleId = await http.createCloudpickleBundle("where", buildPickle(WHERE_PICKLE));
  }, 300_000);

  afterAll(async () => {
    await launch?.close();
    await cluster?.stop();
  }, 120_000);

  it("passes the official client's flows unchanged: sync, async from zero, streaming, batch", async () => {
    const flow = await runScript("client_flow.py", [launch.url, join(REPO_ROOT, "fixtures", "runnable", "echo_server.py")]);
    expect(flow.output).toContain("client flow: OK");
    expect(flow.code).toBe(0);
    const batch = await runScript("batch_flow.py", [launch.url]);
    expect(batch.output).toContain("batch flow: OK");
    expect(batch.code).toBe(0);
    expect((await http.ok<{ runtime: string }>("GET", "/_launch_local/info")).runtime).toBe("ray");
  }, 240_000);

  it("places workers by their resources: one per node when each needs most of a node, the GPU node for a T4", async () => {
    const wide = await http.createEndpoint("wide", bundleId, { endpoint_type: "sync", cpus: 3, min_workers: 2, max_workers: 2 });
    const wideWorkers = await eventually(
      async () => {
        const workers = await workersOf(http, wide);
        return workers.filter((worker) => worker.state === "ready").length === 2 ? workers : null;
      },
      90_000,
      "two ready workers",
    );
    expect(new Set(wideWorkers.map((worker) => worker.node))).toEqual(new Set([HEAD_IP, GPU_NODE_IP]));
    await http.ok("DELETE", `/v1/model-endpoints/${wide}`);

    const gpu = await http.createEndpoint("gpu", bundleId, { endpoint_type: "sync", gpus: 1, gpu_type: "nvidia-tesla-t4" });
    await http.waitForWorkers(gpu, 90_000);
    expect((await workersOf(http, gpu)).map((worker) => worker.node)).toEqual([GPU_NODE_IP]);
    const answer = await http.ok<{ status: string; result: { result: string } }>("POST", `/v1/sync-tasks?model_endpoint_id=${gpu}`, { args: { x: 1 } });
    expect(answer.status).toBe("SUCCESS");
    expect(JSON.parse(answer.result.result)).toMatchObject({ x: 1, gpus: "0" });
    await http.ok("DELETE", `/v1/model-endpoints/${gpu}`);

    // No node offers an A100: the endpoint fails with the reason instead of waiting for ever.
    const a100 = await http.createEndpoint("a100", bundleId, { endpoint_type: "sync", gpus: 1, gpu_type: "nvidia-ampere-a100" });
    const failed = await eventually(
      async () => {
        const endpoint = await http.ok<{ status: string; status_reason: string | null }>("GET", `/v1/model-endpoints/${a100}`);
        return endpoint.status === "UPDATE_FAILED" ? endpoint : null;
      },
      60_000,
      "the A100 endpoint to fail",
    );
    expect(failed.status_reason).toContain("No node of the Ray cluster can hold a worker with num_cpus=1, num_gpus=1");
    await http.ok("DELETE", `/v1/model-endpoints/${a100}`);
  }, 240_000);

  it("builds a bundle's requirements on the node it lands on, as a virtualenv kept by their hash", async () => {
    const pickle = buildPickle(`
def load_model_fn():
    return None

def load_predict_fn(model):
    def predict(x):
        import sys, six
        return {"six": six.__version__, "python": sys.executable}
    return predict
`);
    const bundle = await http.createCloudpickleBundle("with-six", pickle, ["six"]);
    const id = await http.createEndpoint("with-six", bundle, { endpoint_type: "sync" });
    await http.waitForWorkers(id, 180_000);
    const answer = await http.ok<{ status: string; result: { result: string } }>("POST", `/v1/sync-tasks?model_endpoint_id=${id}`, { args: { x: 1 } });
    expect(answer.status).toBe("SUCCESS");
    expect(JSON.parse(answer.result.result).python).toMatch(/\/launch-local-ray\/venvs\/[0-9a-f]{64}\/bin\/python$/);
    const logs = await http.ok<{ build: string[]; worker: string[] }>("GET", `/_launch_local/endpoints/${id}/logs`);
    expect(logs.build.join("\n")).toMatch(/Building an environment on this node for six|Reusing this node's environment/);
    await http.ok("DELETE", `/v1/model-endpoints/${id}`);
  }, 240_000);

  it("replaces a killed actor and rides out a crash fault, as the process runtime does", async () => {
    const id = await http.createEndpoint("crashy", bundleId, { endpoint_type: "sync", min_workers: 1, max_workers: 1 });
    await http.waitForWorkers(id, 90_000);
    const [first] = await workersOf(http, id);
    await http.ok("POST", `/_launch_local/endpoints/${id}/workers/${first?.id ?? ""}/kill`);
    await eventually(
      async () => {
        const workers = await workersOf(http, id);
        return workers.some((worker) => worker.state === "ready" && worker.id !== first?.id) ? workers : null;
      },
      90_000,
      "a replacement worker",
    );
    await http.ok("POST", `/_launch_local/endpoints/${id}/faults`, { kind: "crash" });
    const answer = await http.ok<{ status: string }>("POST", `/v1/sync-tasks?model_endpoint_id=${id}`, { args: { x: 7 }, timeout_seconds: 60 });
    expect(answer.status).toBe("SUCCESS");
    await http.ok("DELETE", `/v1/model-endpoints/${id}`);
  }, 240_000);

  it("runs a docker-image batch job as an actor on the node its resources ask for", async () => {
    const program = "import json, os; print('config', json.load(open(os.environ['LAUNCH_JOB_CONFIG_PATH'])), 'gpus', os.environ.get('CUDA_VISIBLE_DEVICES'))";
    const bundle = await http.ok<{ docker_image_batch_job_bundle_id: string }>("POST", "/v1/docker-image-batch-job-bundles", {
      name: "ray-job",
      image_repository: "trainer",
      image_tag: "1",
      command: ["python3", "-c", program],
      env: {},
      resource_requests: { cpus: 1, memory: "1Gi", gpus: 1, gpu_type: "nvidia-tesla-t4" },
    });
    const job = await http.ok<{ job_id: string }>("POST", "/v1/docker-image-batch-jobs", {
      docker_image_batch_job_bundle_id: bundle.docker_image_batch_job_bundle_id,
      job_config: { lr: 0.5 },
      labels: { team: "infra", product: "launch" },
    });
    const status = await eventually(
      async () => {
        const got = await http.ok<{ status: string }>("GET", `/v1/docker-image-batch-jobs/${job.job_id}`);
        return got.status === "SUCCESS" || got.status === "FAILURE" ? got.status : null;
      },
      90_000,
      "the job to finish",
    );
    const { lines } = await http.ok<{ lines: string[] }>("GET", `/_launch_local/docker-image-batch-jobs/${job.job_id}/logs`);
    expect(status, lines.join("\n")).toBe("SUCCESS");
    expect(lines).toContain(`[launch-local] placed by Ray on node ${GPU_NODE_IP}`);
    expect(lines).toContain("config {'lr': 0.5} gpus 0");
  }, 180_000);

  it("leaves nothing in the cluster after close(), and a SIGKILLed instance's actors go with its driver", async () => {
    await launch.close();
    await expectClusterEmpty();
    const dataDir = mkdtempSync(join(tmpdir(), "launch-local-ray-kill-"));
    const portFile = join(dataDir, "port");
    const args = [
      "--port",
      "0",
      "--port-file",
      portFile,
      "--data-dir",
      dataDir,
      "--runtime",
      "ray",
      "--ray-address",
      cluster.address,
      "--ray-python",
      RAY_PYTHON,
      "--log-level",
      "warn",
    ];
    try {
      const cli = startCli(args);
      const port = await waitFor(() => readPortFile(portFile), 60_000, "the port file");
      const killed = new LaunchHttp(`http://127.0.0.1:${port}`);
      const id = await killed.createEndpoint("survivor", await killed.createCloudpickleBundle("w", buildPickle(WHERE_PICKLE)), { endpoint_type: "sync" });
      await killed.waitForWorkers(id, 90_000);
      expect((await cluster.leftovers()).actors).toHaveLength(1);
      cli.child.kill("SIGKILL");
      await expectClusterEmpty();
      // The next instance on the same data dir redeploys the endpoint on the cluster.
      rmSync(portFile, { force: true });
      const again = startCli(args);
      const port2 = await waitFor(() => readPortFile(portFile), 60_000, "the port file");
      await new LaunchHttp(`http://127.0.0.1:${port2}`).waitForWorkers(id, 90_000);
      again.child.kill("SIGTERM");
      await new Promise((resolve) => again.child.once("exit", resolve));
      await expectClusterEmpty();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      launch = await startLaunchLocal({ port: 0, ephemeral: true, scaleDownCooldownMs: 1000, workerStartTimeoutMs: 60_000, ...rayOptions() });
      http = new LaunchHttp(launch.url);
      bundleId = await http.createCloudpickleBundle("where", buildPickle(WHERE_PICKLE));
    }
  }, 300_000);

  // Last: the cluster has one node afterwards.
  it("loses no async task when a node is lost mid-load", async () => {
    const id = await http.createEndpoint("load", bundleId, { endpoint_type: "async", cpus: 3, min_workers: 2, max_workers: 2, per_worker: 4 });
    await eventually(
      async () => {
        const workers = await workersOf(http, id);
        const nodes = new Set(workers.filter((worker) => worker.state === "ready").map((worker) => worker.node));
        return nodes.size === 2 ? nodes : null;
      },
      90_000,
      "a worker on each node",
    );
    const taskIds: string[] = [];
    // 8 slots, 200 ms a task: about 5 s of work, so the node goes while most of it is queued or running.
    for (let x = 0; x < 200; x++) {
      taskIds.push((await http.ok<{ task_id: string }>("POST", `/v1/async-tasks?model_endpoint_id=${id}`, { args: { x, sleep_ms: 200 } })).task_id);
    }
    const results = new Map<string, { status: string; result?: { result: string } | null }>();
    const poll = async () => {
      for (const taskId of taskIds)
        if (!results.has(taskId)) {
          const task = await http.ok<{ status: string; result?: { result: string } | null }>("GET", `/v1/async-tasks/${taskId}`);
          if (task.status === "SUCCESS" || task.status === "FAILURE") results.set(taskId, task);
        }
      return results.size;
    };
    await eventually(async () => ((await poll()) >= 4 ? true : null), 60_000, "the first tasks");
    expect(results.size).toBeLessThan(taskIds.length);
    await cluster.loseGpuNode();
    await eventually(async () => ((await poll()) === taskIds.length ? true : null), 120_000, "every task to finish");
    taskIds.forEach((taskId, x) => {
      const task = results.get(taskId);
      expect(task?.status, JSON.stringify(task)).toBe("SUCCESS");
      expect(JSON.parse(task?.result?.result ?? "{}")).toMatchObject({ x });
    });
    // The lost node's worker is gone once Ray declares the node dead (or a call to it failed first).
    const readyNodes = await eventually(
      async () => {
        const nodes = (await workersOf(http, id)).filter((worker) => worker.state === "ready").map((worker) => worker.node);
        return nodes.includes(GPU_NODE_IP) ? null : nodes;
      },
      60_000,
      "the lost node's worker to go",
    );
    expect(readyNodes).toEqual([HEAD_IP]);
  }, 300_000);
});
