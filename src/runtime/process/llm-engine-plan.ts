/**
 * How the process runtime starts an LLM engine worker (README "LLM endpoints"): the bundle's own
 * command, in a per-worker folder where `model_files` is a link to the endpoint's weights and
 * `bin/python` the engine's interpreter (first on PATH, since the command says `python`); the engine
 * package on PYTHONPATH; loopback only (LAUNCH_WORKER_HOST wins over the command's `--host "::"`);
 * offline Hugging Face libraries.
 */
import { mkdir, rm, symlink } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { MODEL_FILES } from "../../domain/llm/llm-bundle.js";
import type { WorkerLaunchSpec } from "../../domain/ports.js";
import { WORKER_HOST } from "./process-worker.js";
import type { Env } from "./run-command.js";
import { type RunnableBundleFlavor, rewritePortArgs, runnableArgv } from "./runnable-command.js";
import { WORKER_ENV_KEYS, newWorkerToken } from "../worker-env.js";

export interface LlmEnginePlanInput {
  spec: WorkerLaunchSpec;
  flavor: RunnableBundleFlavor;
  python: string;
  /** The endpoint's weights folder, or null when the endpoint has no `_llm` weights to show. */
  weightsDir: string | null;
  workDir: string;
  workerDir: string;
  /** Runs argv so that it dies with launch-local (exec_with_parent.py with the host Python). */
  wrap: (argv: string[]) => string[];
  baseEnv: Env;
}

export async function llmEnginePlan(input: LlmEnginePlanInput) {
  const { flavor, workDir, baseEnv } = input;
  await rm(workDir, { recursive: true, force: true });
  await mkdir(join(workDir, "bin"), { recursive: true });
  await symlink(input.python, join(workDir, "bin", "python"));
  if (input.weightsDir !== null) await symlink(input.weightsDir, join(workDir, MODEL_FILES), "dir");
  const argv = runnableArgv(flavor);
  const pythonPath = [input.workerDir, baseEnv.PYTHONPATH].filter((part) => part !== undefined && part !== "").join(delimiter);
  const token = newWorkerToken();
  return {
    token,
    argv: (port: number) => input.wrap(rewritePortArgs(argv, port)),
    env: (port: number): Env => ({
      ...baseEnv,
      ...(flavor.env ?? {}),
      PATH: [join(workDir, "bin"), baseEnv.PATH].filter((part) => part !== undefined && part !== "").join(delimiter),
      PYTHONPATH: pythonPath,
      PYTHONUNBUFFERED: "1",
      HF_HUB_OFFLINE: "1",
      TRANSFORMERS_OFFLINE: "1",
      PORT: String(port),
      LAUNCH_WORKER_PORT: String(port),
      LAUNCH_WORKER_HOST: WORKER_HOST,
      LAUNCH_WORKER_PARENT_PID: String(process.pid),
      // launch_local_llm/http_server.py checks it on every request.
      [WORKER_ENV_KEYS.token]: token,
    }),
    cwd: workDir,
    healthRoute: flavor.healthcheck_route,
    workDir,
  };
}
