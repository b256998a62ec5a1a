import { describe, expect, it } from "vitest";
import type { BundleRecord } from "../../../src/domain/bundle.js";
import { createLogger } from "../../../src/domain/logger.js";
import type { WorkerHandle, WorkerLaunchSpec, WorkerRuntime } from "../../../src/domain/ports.js";
import { type DockerVerdict, type ImageEngine, dockerVerdict } from "../../../src/runtime/docker/image-verdict.js";
import { createRuntimeRouter } from "../../../src/runtime/runtime-router.js";
import { FLAVORS, makeBundle } from "../scheduler/harness.js";

/**
 * `--runtime auto` per endpoint (issue 19), against a fake engine: which images it has, and what a
 * registry answers. No registry is reachable here, so "pullable" is only ever tested this way.
 */
function fakeEngine(local: string[], registry: Record<string, string | null>): ImageEngine & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    hasImage: async (image) => {
      asked.push(`has ${image}`);
      return local.includes(image);
    },
    whyNotPullable: async (image) => {
      asked.push(`registry ${image}`);
      return image in registry ? (registry[image] ?? null) : "manifest unknown";
    },
  };
}

const OFFLINE = 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host';

/** A runtime that records what it was asked to do. */
function recordingRuntime(name: "docker" | "process", calls: string[]): WorkerRuntime {
  return {
    name,
    prepare: async (bundle) => void calls.push(`${name}.prepare ${bundle.id}`),
    start: async (spec) => {
      calls.push(`${name}.start ${spec.workerId}`);
      return { id: spec.workerId } as unknown as WorkerHandle;
    },
    dispose: async () => void calls.push(`${name}.dispose`),
  };
}

const spec = (bundle: BundleRecord, workerId: string): WorkerLaunchSpec => ({
  endpointId: "end_1",
  endpointName: "doubler",
  workerId,
  bundle,
  artifactPath: "/tmp/model.pkl",
  concurrency: 1,
  cpus: 1,
  memory: "1Gi",
  gpus: 0,
  endpointType: "async",
});

describe("whether Docker can serve a bundle", () => {
  const artifact = makeBundle("b1"); // pytorch/pytorch:2.1
  const runnable = makeBundle("b2", FLAVORS.runnable); // echo:latest

  it("serves a present base image, a mapped one that is present, and a pullable one", async () => {
    expect(await dockerVerdict(artifact, {}, fakeEngine(["pytorch/pytorch:2.1"], {}))).toEqual({
      canServe: true,
      why: "Base image pytorch/pytorch:2.1 is present locally",
    });
    expect(await dockerVerdict(artifact, { pytorch: "my/python:3.11" }, fakeEngine(["my/python:3.11"], {}))).toEqual({
      canServe: true,
      why: "Base image my/python:3.11 (mapped from pytorch/pytorch:2.1) is present locally",
    });
    const engine = fakeEngine([], { "echo:latest": null });
    expect(await dockerVerdict(runnable, {}, engine)).toEqual({ canServe: true, why: "Image echo:latest is not present locally but can be pulled" });
    expect(engine.asked).toEqual(["has echo:latest", "registry echo:latest"]);
  });

  it("says why not, and how to map the image, when it is neither present nor pullable", async () => {
    expect(await dockerVerdict(artifact, {}, fakeEngine([], { "pytorch/pytorch:2.1": OFFLINE }))).toEqual({
      canServe: false,
      why: `Base image pytorch/pytorch:2.1 is not present locally and cannot be pulled (${OFFLINE}); map it with --image-map pytorch=<local image> to run it in Docker`,
    });
    const mapped = await dockerVerdict(artifact, { "pytorch:2.1": "gone:1" }, fakeEngine([], {}));
    expect(mapped).toEqual({
      canServe: false,
      why: "Base image gone:1 (mapped from pytorch/pytorch:2.1) is not present locally and cannot be pulled (manifest unknown); build or load it, or change --image-map pytorch=<local image> to run it in Docker",
    });
  });

  it("never asks the engine about a name that is not an image reference", async () => {
    const hostile = makeBundle("b3", { ...FLAVORS.runnable, repository: "../../containers/json?all=1#", tag: "x" });
    const engine = fakeEngine([], {});
    const verdict = await dockerVerdict(hostile, {}, engine);
    expect(verdict.canServe).toBe(false);
    expect(verdict.why).toContain("is not an image reference Docker accepts");
    expect(engine.asked).toEqual([]);
  });
});

/** A router over two recording runtimes; `calls` gets what each was asked, `terminal` the log lines. */
function recordedRouter(verdict: () => Promise<DockerVerdict>) {
  const calls: string[] = [];
  const terminal: string[] = [];
  const router = createRuntimeRouter({
    docker: recordingRuntime("docker", calls),
    processes: recordingRuntime("process", calls),
    verdict,
    logger: createLogger("info", (line) => terminal.push(line)),
  });
  return { router, calls, terminal };
}

describe("the runtime router (--runtime auto with an engine)", () => {
  const bundle = makeBundle("b1");

  it("runs a bundle Docker can serve in Docker, and says so only in the creation logs", async () => {
    const { router, calls, terminal } = recordedRouter(async () => ({ canServe: true, why: "Base image x:1 is present locally" }));
    const log: string[] = [];
    expect(await router.prepare(bundle, 0, (line) => log.push(line))).toEqual({ note: null });
    await router.start(spec(bundle, "w1"), () => undefined);
    expect(calls).toEqual(["docker.prepare b1", "docker.start w1"]);
    expect(log).toEqual(["Runtime: Docker (--runtime auto): Base image x:1 is present locally"]);
    expect(terminal).toEqual([]);
  });

  it("runs the others as local processes, with the reason in the logs, the note and one terminal line", async () => {
    const { router, calls, terminal } = recordedRouter(async () => ({
      canServe: false,
      why: "Base image pytorch/pytorch:2.1 is not present locally and cannot be pulled (offline)",
    }));
    const log: string[] = [];
    const prepared = await router.prepare(bundle, 1, (line) => log.push(line));
    await router.start(spec(bundle, "w1"), () => undefined);
    const note =
      "Runs as local processes, not in Docker (--runtime auto): Base image pytorch/pytorch:2.1 is not present locally and cannot be pulled (offline)";
    expect(prepared).toEqual({ note });
    expect(log).toEqual([`Runtime: ${note}`]);
    expect(terminal).toHaveLength(1);
    expect(terminal[0]).toContain(`bundle bundle-b1: ${note}`);
    expect(calls).toEqual(["process.prepare b1", "process.start w1"]);
    await router.dispose();
    expect(calls.slice(-2).sort()).toEqual(["docker.dispose", "process.dispose"]);
  });

  it("falls back to local processes when the engine cannot be asked, and chooses again at each prepare", async () => {
    let isEngineUp = false;
    const { router, calls } = recordedRouter(async () => {
      if (!isEngineUp) throw new Error("connect ECONNREFUSED /var/run/docker.sock");
      return { canServe: true, why: "present" };
    });
    const first = await router.prepare(bundle, 0, () => undefined);
    expect(first).toEqual({ note: expect.stringContaining("the Docker engine could not tell whether it has the image (connect ECONNREFUSED") });
    isEngineUp = true;
    await router.prepare(bundle, 0, () => undefined);
    await router.start(spec(bundle, "w2"), () => undefined);
    expect(calls).toEqual(["process.prepare b1", "docker.prepare b1", "docker.start w2"]);
  });

  it("sends an endpoint asking for GPUs to Docker when Docker can serve it, else to processes with its GPUs", async () => {
    const asked: string[] = [];
    const gpuRuntime = (name: "docker" | "process"): WorkerRuntime => ({
      ...recordingRuntime(name, []),
      prepare: async (_bundle, gpus) => void asked.push(`${name} gpus=${gpus}`),
    });
    for (const canServe of [true, false]) {
      const router = createRuntimeRouter({
        docker: gpuRuntime("docker"),
        processes: gpuRuntime("process"),
        verdict: async () => ({ canServe, why: "" }),
        logger: createLogger("silent", () => undefined),
      });
      await router.prepare(bundle, 2, () => undefined);
    }
    // Docker turns the count into DeviceRequests; the process runtime applies --gpu-policy to it.
    expect(asked).toEqual(["docker gpus=2", "process gpus=2"]);
  });

  it("chooses before a start that no prepare came before", async () => {
    const { router, calls } = recordedRouter(async () => ({ canServe: false, why: "absent" }));
    await router.start(spec(bundle, "w1"), () => undefined);
    expect(calls).toEqual(["process.prepare b1", "process.start w1"]);
  });
});
