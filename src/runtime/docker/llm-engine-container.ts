/**
 * An LLM endpoint's worker under the Docker runtime (README "LLM endpoints"): the bundle's image
 * (`vllm/vllm-openai:<tag>`, mapped with `--image-map`, never pulled) runs the bundle's own command
 * with vLLM's server module in place of launch-local's engine module (`python -m
 * launch_local_llm.server` → `python3 -m vllm.entrypoints.openai.api_server`, the same flags), as
 * the container's entrypoint (a pod's `command`). The weights, in place of the real command's s5cmd
 * download, are bind-mounted read-only file by file (links resolved, so an HF cache snapshot works)
 * at `model_files` in the working directory. GPUs come from the runtime's inventory (`--gpus`).
 */
import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { ENGINE_MODULE, MODEL_FILES, VLLM_MODULE } from "../../domain/llm/llm-bundle.js";
import type { RunnableBundleFlavor } from "../process/runnable-command.js";
import { runnableArgv } from "../process/runnable-command.js";
import type { ContainerPlan } from "./container-spec.js";
import { runnablePlan } from "./container-spec.js";
import { WORKER_ENV_KEYS, newWorkerToken } from "../worker-env.js";

/** Where the command runs inside the container, so its relative `model_files` is the mount. */
export const ENGINE_WORKDIR = "/launch-local/llm";

const ENGINE_INVOCATION = new RegExp(`\\bpython -m ${ENGINE_MODULE.replace(/\./g, "\\.")}\\b`, "g");

/** The bundle's command with vLLM's own server in place of launch-local's engine. */
export function vllmCommand(argv: readonly string[]): string[] {
  return argv.map((token) => token.replace(ENGINE_INVOCATION, `python3 -m ${VLLM_MODULE}`));
}

/** One read-only bind per file of the HF folder (sub-folders are not served by the engine's loader). */
export async function weightMounts(weightsDir: string): Promise<Dockerode.MountSettings[]> {
  const mounts: Dockerode.MountSettings[] = [];
  for (const file of (await readdir(weightsDir)).sort()) {
    const source = await realpath(join(weightsDir, file));
    if (!(await stat(source)).isFile()) continue;
    mounts.push({ Type: "bind", Source: source, Target: `${ENGINE_WORKDIR}/${MODEL_FILES}/${file}`, ReadOnly: true });
  }
  return mounts;
}

export async function llmEngineContainerPlan(flavor: RunnableBundleFlavor, image: string, weightsDir: string | null): Promise<ContainerPlan> {
  const base = runnablePlan(flavor, image);
  // launch_local_llm/http_server.py checks it on every request (a vLLM image ignores it).
  const token = newWorkerToken();
  return {
    ...base,
    env: { ...base.env, [WORKER_ENV_KEYS.token]: token },
    token,
    cmd: [],
    entrypoint: vllmCommand(runnableArgv(flavor)),
    workingDir: ENGINE_WORKDIR,
    mounts: weightsDir === null ? [] : await weightMounts(weightsDir),
  };
}
