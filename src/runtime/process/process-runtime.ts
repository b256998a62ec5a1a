/**
 * The process runtime (DESIGN.md "Workers" → Process runtime): one host process per worker.
 * Artifact bundles run the project's Python worker server in a per-requirements virtualenv;
 * runnable-image bundles run their own command. GPUs are handed out with CUDA_VISIBLE_DEVICES.
 */
import { mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type ArtifactFlavor, type BundleRecord, isArtifactFlavor } from "../../domain/bundle.js";
import { type Clock, systemClock } from "../../domain/clock.js";
import { LaunchError, SystemError, badRequest } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import type { WorkerHandle, WorkerLaunchSpec, WorkerRuntime } from "../../domain/ports.js";
import { type GpuAllocator, type GpuPolicy, fitsGpuPolicy, gpuEnv, lazyGpuAllocator } from "../gpu-inventory.js";
import { ProcessWorker, WORKER_HOST, type WorkerPlan } from "./process-worker.js";
import type { Env } from "./run-command.js";
import { type RunnableBundleFlavor, rewritePortArgs, runnableArgv, runnableCommandProblem } from "./runnable-command.js";
import { checkWorkerInterpreter, interpreterWarning } from "./interpreter-check.js";
import { createVenvBuilder } from "./venv-builder.js";
import { isEngineCommand } from "../../domain/llm/llm-bundle.js";
import { type LlmEngineEnv, createLlmEngineEnv } from "./llm-engine-env.js";
import { llmEnginePlan } from "./llm-engine-plan.js";
import { artifactWorkerEnv, awsWorkerEnv, inheritedEnv, newWorkerToken, runnableProcessEnv } from "../worker-env.js";

export interface ProcessRuntimeOptions {
  dataDir: string;
  /** Host interpreter used to build virtualenvs (and to run bundles without requirements). */
  python: string;
  logger: Logger;
  clock?: Clock;
  /** Absolute path of src/worker/server.py. */
  workerScript: string;
  blobRoot: string;
  resultsBucket: string;
  startTimeoutMs: number;
  /** Declared GPU ids; else detected with `nvidia-smi -L` when present, else none. */
  gpus?: string[];
  /** `strict`: asking for more GPUs than the host has fails the build; `ignore`: run without GPUs. */
  gpuPolicy?: GpuPolicy;
  /** The server's environment (config/host-env.ts); children inherit its allow-list (worker-env.ts). */
  env: Env;
  /** `--pip-fallback`: a pinned version the index lacks is replaced by the nearest one (pip-fallback.ts). */
  pipFallback?: boolean;
  /** `--llm-python`: the LLM engine's interpreter; default a venv built from its requirements. */
  llmPython?: string | null;
  /** The engine's environment when shared with engine-image jobs (instance-fine-tunes.ts); default one of its own. */
  engineEnv?: LlmEngineEnv;
  /** The S3-compatible door as a worker on this host reaches it; absent: workers get no AWS variables. */
  s3EndpointUrl?: () => string;
  /** The weights folder an LLM engine worker sees as `model_files` (null: the endpoint has none). */
  modelFilesFor?: (spec: WorkerLaunchSpec) => Promise<string | null>;
  /** Check in the background that `python` can run the worker server, and warn when not (interpreter-check.ts). */
  checkInterpreter?: boolean;
}

export function createProcessRuntime(options: ProcessRuntimeOptions): WorkerRuntime {
  const clock = options.clock ?? systemClock;
  // The allow-list, never the server's whole environment (worker-env.ts inheritedEnv).
  const baseEnv: Env = inheritedEnv(options.env);
  const policy: GpuPolicy = options.gpuPolicy ?? "strict";
  const logger = options.logger;
  const venvs = createVenvBuilder({ dataDir: options.dataDir, python: options.python, env: baseEnv, logger, clock, pipFallback: options.pipFallback ?? false });
  const live = new Set<ProcessWorker>();
  const portsInUse = new Set<number>();
  let disposePromise: Promise<void> | null = null;
  // Runnable commands resolve relative paths against launch-local's working directory.
  const runnableCwd = process.cwd();

  const gpuAllocator = lazyGpuAllocator(options.gpus, baseEnv);
  const workerDir = dirname(options.workerScript);
  const interpreterCheck = options.checkInterpreter === true ? checkWorkerInterpreter({ python: options.python, workerDir, env: baseEnv, clock }) : null;
  void interpreterCheck?.problem.then((problem) => {
    if (problem !== null) logger.warn(interpreterWarning(options.python, problem));
  });
  const engineEnv = options.engineEnv ?? createLlmEngineEnv({ workerDir, llmPython: options.llmPython ?? null, venvs, env: baseEnv });
  const isEngine = (flavor: BundleRecord["flavor"]): flavor is RunnableBundleFlavor => !isArtifactFlavor(flavor) && isEngineCommand(runnableArgv(flavor));

  const assertOpen = (): void => {
    if (disposePromise) throw new SystemError("The process runtime has been disposed.");
  };

  // The LLM engine runs on CPU where the host has fewer GPUs than asked: the real rule forces
  // num_shards == gpus ≥ 1, so a CPU-only machine must still serve `gpus: 1` (README "LLM endpoints").
  const checkGpuCount = (requested: number, allocator: GpuAllocator, log: (line: string) => void, isEngineWorker = false): boolean =>
    fitsGpuPolicy(requested, allocator, isEngineWorker ? "ignore" : policy, log, badRequest);

  const execWithParent = join(dirname(options.workerScript), "exec_with_parent.py");
  // The standard AWS variables for the bundle's owner (worker-env.ts awsWorkerEnv); a bundle's own env wins.
  const awsEnv = (owner: string): Env => (options.s3EndpointUrl ? awsWorkerEnv(options.s3EndpointUrl(), owner) : {});
  const runnableEnv = (flavor: RunnableBundleFlavor, owner = ""): Env => ({
    ...baseEnv,
    ...(owner === "" ? {} : awsEnv(owner)),
    PYTHONUNBUFFERED: "1",
    ...(flavor.env ?? {}),
  });

  const artifactPlan = async (spec: WorkerLaunchSpec, flavor: ArtifactFlavor, log: (line: string) => void) => {
    if (spec.artifactPath === null) throw new SystemError(`Worker ${spec.workerId}: an artifact bundle needs artifactPath.`);
    const artifactPath = spec.artifactPath;
    const python = await venvs.pythonFor(flavor.requirements, log);
    const workDir = join(options.dataDir, "workers", spec.workerId);
    await rm(workDir, { recursive: true, force: true });
    await mkdir(workDir, { recursive: true });
    const settings = {
      flavor,
      host: WORKER_HOST,
      bundlePath: artifactPath,
      workDir,
      blobs: { root: options.blobRoot },
      resultsBucket: options.resultsBucket,
      concurrency: spec.concurrency,
      // The worker exits when this process dies, even by SIGKILL: no orphan keeps a port or a GPU.
      parentPid: process.pid,
      token: newWorkerToken(),
    };
    return {
      token: settings.token,
      argv: () => [python, options.workerScript],
      env: (port: number): Env => ({ ...baseEnv, ...awsEnv(spec.bundle.owner), ...artifactWorkerEnv({ ...settings, port }), PYTHONUNBUFFERED: "1" }),
      cwd: workDir,
      healthRoute: "/readyz",
      workDir,
    };
  };

  const runnablePlan = async (flavor: RunnableBundleFlavor, owner: string) => {
    const env = runnableEnv(flavor, owner);
    const problem = await runnableCommandProblem(flavor, env, runnableCwd);
    if (problem !== null) throw badRequest(problem);
    const argv = runnableArgv(flavor);
    return {
      // Wrapped so the user's server dies with launch-local even when it is SIGKILLed (no orphan keeps the port).
      argv: (port: number) => [options.python, execWithParent, ...rewritePortArgs(argv, port)],
      env: (port: number): Env => ({ ...env, ...runnableProcessEnv(port, process.pid) }),
      // The user's own server checks no token.
      token: null,
      cwd: undefined,
      healthRoute: flavor.healthcheck_route,
      workDir: null,
    };
  };

  return {
    name: "process",

    async prepare(bundle: BundleRecord, gpus: number, log: (line: string) => void): Promise<void> {
      assertOpen();
      const flavor = bundle.flavor;
      checkGpuCount(gpus, await gpuAllocator(), log, isEngine(flavor));
      if (isEngine(flavor)) {
        await engineEnv.python(log);
        return;
      }
      if (isArtifactFlavor(flavor)) {
        await venvs.pythonFor(flavor.requirements, log);
        return;
      }
      const problem = await runnableCommandProblem(flavor, runnableEnv(flavor), runnableCwd);
      if (problem !== null) throw badRequest(problem);
    },

    async start(spec: WorkerLaunchSpec, log: (line: string) => void): Promise<WorkerHandle> {
      assertOpen();
      const allocator = await gpuAllocator();
      const wantsGpus = checkGpuCount(spec.gpus, allocator, log, isEngine(spec.bundle.flavor));
      const gpuIds = allocator.allocate(wantsGpus ? spec.gpus : 0);
      if (gpuIds === null) {
        throw badRequest(`Requested gpus=${spec.gpus} but only ${allocator.freeCount} of this host's ${allocator.size} GPU(s) are free`);
      }
      let workDir: string | null = null;
      try {
        const flavor = spec.bundle.flavor;
        const base = isArtifactFlavor(flavor)
          ? await artifactPlan(spec, flavor, log)
          : isEngine(flavor)
            ? await llmEnginePlan({
                spec,
                flavor,
                python: await engineEnv.python(log),
                weightsDir: (await options.modelFilesFor?.(spec)) ?? null,
                workDir: join(options.dataDir, "workers", spec.workerId),
                workerDir,
                wrap: (argv) => [options.python, execWithParent, ...argv],
                baseEnv,
              })
            : await runnablePlan(flavor, spec.bundle.owner);
        workDir = base.workDir;
        assertOpen();
        const devices = gpuEnv(gpuIds);
        const plan: WorkerPlan = {
          workerId: spec.workerId,
          argv: base.argv,
          env: (port) => ({ ...base.env(port), ...devices }),
          token: base.token,
          cwd: base.cwd,
          healthRoute: base.healthRoute,
          startTimeoutMs: options.startTimeoutMs,
        };
        const dirToRemove = workDir;
        const worker = await ProcessWorker.launch(plan, {
          portsInUse,
          clock,
          log,
          onGone: async (exit) => {
            live.delete(worker);
            allocator.release(gpuIds);
            if (dirToRemove !== null) await rm(dirToRemove, { recursive: true, force: true });
            logger.debug("worker exited", { workerId: spec.workerId, ...exit });
          },
        });
        live.add(worker);
        if (disposePromise) {
          // dispose() ran while this worker was being set up and did not see it.
          await worker.stop();
          throw new SystemError("The process runtime has been disposed.");
        }
        logger.debug("worker started", { workerId: spec.workerId, pid: worker.pid, baseUrl: worker.baseUrl, gpus: gpuIds });
        return worker;
      } catch (error) {
        allocator.release(gpuIds);
        if (workDir !== null) await rm(workDir, { recursive: true, force: true });
        if (error instanceof LaunchError || error instanceof SystemError) throw error;
        throw new SystemError(`Worker ${spec.workerId} could not be started: ${String(error)}`, { cause: error });
      }
    },

    dispose(): Promise<void> {
      interpreterCheck?.cancel();
      disposePromise ??= (async () => {
        await Promise.all([...live].map((worker) => worker.stop()));
      })();
      return disposePromise;
    },
  };
}
