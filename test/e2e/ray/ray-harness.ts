/**
 * A real two-node Ray cluster on this machine for the Ray runtime's end-to-end tests
 * (scripts/ci/ray-cluster.sh): the head at 127.0.0.2, a second node at 127.0.0.3 with one fake GPU
 * of type T4. Ray comes from the cached virtualenv CI installs; without it the tests are skipped on a
 * developer machine and fail under CI=true.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { LaunchHttp } from "../../helpers/launch-http.js";
import { REPO_ROOT } from "../../helpers/cli-process.js";
import { waitFor } from "../../helpers/wait-for.js";

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, "scripts", "ci", "ray-cluster.sh");

export const RAY_PYTHON = process.env.LAUNCH_LOCAL_TEST_RAY_PYTHON ?? "/var/cache/launch-local/ray-2.58.0/bin/python";
export const HAS_RAY = existsSync(RAY_PYTHON);
if (!HAS_RAY && process.env.CI === "true") {
  throw new Error(`CI needs Ray at ${RAY_PYTHON} (bash scripts/ci/ray-cluster.sh install)`);
}

export const HEAD_IP = "127.0.0.2";
export const GPU_NODE_IP = "127.0.0.3";

export interface RayCluster {
  address: string;
  /** SIGKILLs every process of the GPU node: the machine is lost. */
  loseGpuNode(): Promise<void>;
  /** launch-local's actors still in the cluster, and CPUs not given back. */
  leftovers(): Promise<{ actors: string[]; cpusInUse: number }>;
  stop(): Promise<void>;
}

const STATUS_SCRIPT = `
import json, sys, ray
ray.init(address=sys.argv[1], _node_ip_address="${HEAD_IP}", log_to_driver=False, logging_level="error", namespace="probe")
names = [a["name"] for a in ray.util.list_named_actors(all_namespaces=True) if a["namespace"] == "launch-local"]
total, free = ray.cluster_resources().get("CPU", 0), ray.available_resources().get("CPU", 0)
print(json.dumps({"actors": names, "cpusInUse": total - free}))
`;

export async function startRayCluster(): Promise<RayCluster> {
  // Short: Ray's unix socket paths live under it.
  const dir = mkdtempSync("/tmp/llray-");
  try {
    await run("bash", [SCRIPT, "start", dir], { timeout: 500_000 });
  } catch (error) {
    await run("bash", [SCRIPT, "stop", dir]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { stdout } = await run("cat", [join(dir, "address")]);
  const address = stdout.trim();
  return {
    address,
    loseGpuNode: async () => {
      await run("bash", [SCRIPT, "stop-node", dir, "gpu"], { timeout: 60_000 });
    },
    leftovers: async () => {
      const answer = await run(RAY_PYTHON, ["-c", STATUS_SCRIPT, address], { timeout: 60_000 });
      const lines = answer.stdout.trim().split("\n");
      return JSON.parse(lines[lines.length - 1] ?? "{}") as { actors: string[]; cpusInUse: number };
    },
    stop: async () => {
      await run("bash", [SCRIPT, "stop", dir], { timeout: 60_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface WorkerRow {
  id: string;
  state: string;
  base_url: string | null;
}

/** The workers of an endpoint (control API), with the node each answers on. */
export async function workersOf(http: LaunchHttp, endpointId: string): Promise<(WorkerRow & { node: string })[]> {
  const { workers } = await http.ok<{ workers: WorkerRow[] }>("GET", `/_launch_local/endpoints/${endpointId}/workers`);
  // A worker still being placed has no address yet.
  const nodeOf = (url: string | null): string => (url !== null && URL.canParse(url) ? new URL(url).hostname : "");
  return workers.map((worker) => ({ ...worker, node: nodeOf(worker.base_url) }));
}

/** Polls `check` until it returns a value, or fails after `timeoutMs` (helpers/wait-for.ts). */
export const eventually = <T>(check: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> => waitFor(check, timeoutMs, what);
