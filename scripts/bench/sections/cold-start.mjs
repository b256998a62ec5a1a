/**
 * Row 4: first-task latency of a min_workers = 0 sync endpoint whose environment (process runtime)
 * or image (Docker runtime) is already built: the request wakes the endpoint and waits for its first
 * worker. Repeated after the endpoint has scaled back to zero; the median is the figure.
 */
import { execFileSync } from "node:child_process";
import { keepAliveAgent, postTarget, send, sleep } from "../http-load.mjs";
import { AUTH, LaunchApi } from "../launch-api.mjs";
import { cliInUse, startServer } from "../server.mjs";
import { median, verdict } from "../stats.mjs";

/** Short cool-down so the endpoint is back at zero workers quickly between repetitions. */
const SERVER_ARGS = ["--scale-down-cooldown-ms", "300", "--autoscale-interval-ms", "100"];
const SCALE_TO_ZERO_TIMEOUT_MS = 60_000;

export async function measureColdStart(report, { runtime, pickle, repeats, limitS, buildTimeoutMs, extraArgs = [] }) {
  const server = await startServer({ runtime, args: [...SERVER_ARGS, ...extraArgs] });
  const api = new LaunchApi(server.url);
  try {
    const bundleId = await api.createEchoBundle(`bench-cold-${runtime}`, pickle);
    const endpointId = await api.createEndpoint(`bench-cold-${runtime}`, bundleId, {
      endpoint_type: "sync",
      min_workers: 0,
      max_workers: 1,
      per_worker: 1,
    });
    // READY with no worker: the environment or image is built, nothing runs yet.
    await api.waitForEndpoint(endpointId, (endpoint) => endpoint.status === "READY", buildTimeoutMs, "READY status");
    const target = postTarget(server.url, `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: { x: 1 }, timeout_seconds: 60 }, { authorization: AUTH });
    const samples = [];
    for (let i = 0; i < repeats; i++) {
      await api.waitForEndpoint(
        endpointId,
        (endpoint) => (endpoint.deployment_state?.available_workers ?? 0) === 0 && (endpoint.deployment_state?.unavailable_workers ?? 0) === 0,
        SCALE_TO_ZERO_TIMEOUT_MS,
        "scale-down to zero workers",
      );
      // Let the stopped worker's process and port go before the next start.
      await sleep(300);
      const started = performance.now();
      const reply = await send(target, false);
      const elapsed = performance.now() - started;
      if (reply.status !== 200 || !reply.text.includes('"SUCCESS"')) {
        report.error("4", `${runtime} cold start answered ${reply.status}: ${reply.text.slice(0, 200)}`);
        continue;
      }
      samples.push(elapsed);
    }
    const seconds = samples.length > 0 ? median(samples) / 1000 : null;
    report.row("4", `cold start, ${runtime} runtime (min_workers=0, first task)`, {
      text: seconds === null ? "no successful cold start" : `median ${seconds.toFixed(3)} s of ${samples.map((v) => (v / 1000).toFixed(3)).join(", ")} s`,
      data: { runtime, samplesMs: samples, medianSeconds: seconds },
    });
    report.target("4", `cold start ${runtime} ≤ ${limitS} s`, seconds === null ? "n/a" : `${seconds.toFixed(3)} s`, verdict(seconds, "at-most", limitS));
  } finally {
    api.close();
    await server.stop();
  }
}

/**
 * Whether the Docker row can run, and if not why: the engine must answer, the local test base image
 * must exist (mapped in with --image-map: offline machines cannot pull pytorch/pytorch) and the CLI
 * must accept --runtime docker. Returns { isAvailable, reason, extraArgs }.
 */
export async function dockerAvailability() {
  try {
    execFileSync("docker", ["info", "--format", "{{.ServerVersion}}"], { stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
  } catch (error) {
    return { isAvailable: false, reason: `no Docker engine answers (${firstLine(error.stderr?.toString() || error.message)})` };
  }
  const help = execFileSync(process.execPath, [cliInUse(), "--help"], { encoding: "utf8" });
  const extraArgs = [];
  if (help.includes("--image-map")) {
    const image = process.env.LAUNCH_TEST_IMAGE ?? "launch-local/test-python:bookworm";
    try {
      execFileSync("docker", ["image", "inspect", image], { stdio: "ignore", timeout: 10_000 });
      extraArgs.push("--image-map", `pytorch=${image}`);
    } catch {
      // The bundle's pytorch/pytorch image would be pulled: gigabytes, and impossible offline.
      return { isAvailable: false, reason: `no local base image ${image} to map (scripts/ci/build-test-image.sh builds it)` };
    }
  }
  // A start that fails on its options (e.g. "docker runtime not available yet") gives the reason.
  try {
    const probe = await startServer({ runtime: "docker", args: extraArgs });
    await probe.stop();
  } catch (error) {
    return {
      isAvailable: false,
      reason: firstLine(
        String(error.message)
          .replace(/^.*before ready: /s, "")
          .replace(/^launch-local: /, ""),
      ),
    };
  }
  return { isAvailable: true, reason: null, extraArgs };
}

const firstLine = (text) => text.trim().split("\n")[0] ?? "";
