/**
 * What runs a batch-completions job (llm-contract.md §1.6): the real one is a vLLM image
 * (`batch_inference_vllm_repository`, `dumb-init -- /bin/bash -c "ddtrace-run python vllm_batch.py"`,
 * `CONFIG_FILE=/opt/config.json`); here the same shape of bundle runs launch-local's runner,
 * `python -m launch_local_llm.batch`, in the LLM engine's environment (runtime/engine-jobs.ts), so
 * the prompts go through the very code that answers the engine's HTTP routes.
 */
import type { User } from "../identity.js";
import type { DockerBatchBundleRecord } from "../docker-batch/docker-batch-bundle.js";
import { ENGINE_IMAGE_REPOSITORY } from "../fine-tunes/builtin-trainer.js";
import { fineTuneTimestamp } from "../fine-tunes/fine-tune-names.js";
import type { LlmHardware } from "../llm/llm-requests.js";

export const BATCH_CONFIG_FILE = "/opt/config.json";
/** launch-local adds the model's weights folder on this machine (resolved by the server). */
export const BATCH_MODEL_DIR_ENV = "LAUNCH_LOCAL_MODEL_DIR";

/** `str(x)` of a `str | int | float` (cpus, memory, storage are stored as strings). */
const text = (value: string | number | null): string | null => (value === null ? null : String(value));

/**
 * The v1 route's bundle (`create_batch_job_bundle`): `<model>_<yymmdd-HHMMSS>`, private, with the
 * inferred hardware; the v2 service runs the same image without storing a bundle.
 */
export function batchRunnerBundle(user: User, id: string, model: string, hardware: LlmHardware, now: number, version: string): DockerBatchBundleRecord {
  return {
    id,
    name: `${model}_${fineTuneTimestamp(now)}`,
    owner: user.teamId,
    createdBy: user.userId,
    createdAt: now,
    imageRepository: ENGINE_IMAGE_REPOSITORY,
    imageTag: version,
    command: ["python", "-m", "launch_local_llm.batch"],
    env: { CONFIG_FILE: BATCH_CONFIG_FILE },
    mountLocation: BATCH_CONFIG_FILE,
    cpus: text(hardware.cpus),
    memory: text(hardware.memory),
    storage: text(hardware.storage),
    gpus: hardware.gpus,
    gpuType: hardware.gpu_type,
    isPublic: false,
  };
}
