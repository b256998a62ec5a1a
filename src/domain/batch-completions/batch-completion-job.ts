/**
 * One batch-completions run as a docker-image batch job (llm-contract.md §1.6;
 * `CreateBatchCompletionsUseCase`, `LiveLLMBatchCompletionsService`): the engine request written as
 * the job's config (`CreateBatchCompletionsEngineRequest.model_dump(by_alias=True)`), the v2
 * metadata kept in annotations as the real service encodes it, and the job seen as a
 * `BatchCompletionsJob`.
 */
import type { DockerBatchJobRecord } from "../docker-batch/docker-batch-job.js";
import { VLLM_ARG_FIELDS } from "../llm/vllm-args.js";
import type { BatchModelConfig, CreateBatchCompletionsRequest } from "./batch-completion-requests.js";

export type BatchCompletionsJobStatus = "queued" | "running" | "completed" | "failed" | "cancelled" | "unknown";

/** `to_dto`. */
export function batchStatus(status: DockerBatchJobRecord["status"]): BatchCompletionsJobStatus {
  return ({ PENDING: "queued", RUNNING: "running", SUCCESS: "completed", FAILURE: "failed" } as const)[status];
}

/** The VLLMModelConfig fields: VLLMEndpointAdditionalArgs without the two engine-only ones. */
export const MODEL_CONFIG_ENGINE_FIELDS = VLLM_ARG_FIELDS.slice(2).map(([name]) => name);

/** `BatchCompletionsModelConfig` dumped by alias: every field, in declaration order (`seed` in VLLM's place). */
export function modelConfigView(config: BatchModelConfig, withLabels: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const name of MODEL_CONFIG_ENGINE_FIELDS) view[name] = name === "seed" ? config.seed : (config.engine_args[name] ?? null);
  Object.assign(view, {
    model: config.model,
    checkpoint_path: config.checkpoint_path,
    num_shards: config.num_shards,
    max_context_length: config.max_context_length,
    response_role: config.response_role,
  });
  if (withLabels) view.labels = config.labels;
  return view;
}

/** `CreateBatchCompletionsEngineRequest.model_dump(by_alias=True)`: VLLMEngineAdditionalArgs, the request base, content, model_config. */
export function engineRequestConfig(request: CreateBatchCompletionsRequest, labels: Record<string, string>, isV1: boolean): Record<string, unknown> {
  return {
    max_gpu_memory_utilization: null,
    attention_backend: null,
    input_data_path: request.input_data_path,
    output_data_path: request.output_data_path,
    labels,
    data_parallelism: request.data_parallelism,
    max_runtime_sec: request.max_runtime_sec,
    priority: request.priority,
    tool_config: request.tool_config,
    cpus: request.cpus,
    gpus: request.gpus,
    memory: request.memory,
    gpu_type: request.gpu_type,
    storage: request.storage,
    nodes_per_worker: request.nodes_per_worker,
    content: request.content,
    model_config: modelConfigView(request.model_config, isV1),
  };
}

const NULL_TOKEN = "null";

/** `encode_metadata` (the v2 service's annotations). */
export function encodeMetadata(request: CreateBatchCompletionsRequest, expiresAt: string): Record<string, string> {
  const annotations: Record<string, string> = {
    __INT_input_data_path: request.input_data_path ?? NULL_TOKEN,
    __INT_output_data_path: request.output_data_path,
    __INT_expires_at: expiresAt,
    __INT_priority: request.priority ?? NULL_TOKEN,
  };
  for (const [key, value] of Object.entries(request.labels)) annotations[`__LABEL_${key}`] = value;
  return annotations;
}

/** Python's naive `datetime.now().isoformat()` (local time, microseconds unless zero). */
export function naiveLocalIso(ms: number): string {
  const date = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  const base = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  const micros = date.getMilliseconds() * 1000;
  return micros === 0 ? base : `${base}.${String(micros).padStart(6, "0")}`;
}

const stringOrNull = (value: unknown): string | null => (typeof value === "string" ? value : null);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `get_batch_job`, as the API intends: the job's own paths, expiry, priority and model config (the
 * real service puts a placeholder string in `model_config` and a datetime in `created_at`, which fail
 * its own response model: a 500).
 */
export function batchJobView(job: DockerBatchJobRecord): Record<string, unknown> {
  const config = job.jobConfig ?? {};
  const annotations = job.annotations ?? {};
  const unknown = (key: string, fallback: unknown): unknown => (key in annotations ? annotations[key] : fallback);
  const priority = unknown("__INT_priority", config.priority ?? null);
  const labels = Object.fromEntries(
    Object.entries(annotations)
      .filter(([key]) => key.startsWith("__LABEL_"))
      .map(([key, value]) => [key.slice("__LABEL_".length), value]),
  );
  return {
    job_id: job.id,
    input_data_path: ((value) => (value === NULL_TOKEN ? null : value))(unknown("__INT_input_data_path", stringOrNull(config.input_data_path))),
    output_data_path: unknown("__INT_output_data_path", stringOrNull(config.output_data_path) ?? "unknown"),
    // BatchCompletionsModelConfig: a v1 job's config carries labels, which the v2 model leaves out.
    model_config: isRecord(config.model_config) ? Object.fromEntries(Object.entries(config.model_config).filter(([key]) => key !== "labels")) : {},
    priority: priority === NULL_TOKEN ? null : priority,
    status: batchStatus(job.status),
    created_at: naiveLocalIso(job.createdAt),
    expires_at: unknown("__INT_expires_at", naiveLocalIso(job.createdAt + (job.overrideJobMaxRuntimeS ?? 0) * 1000)),
    completed_at: job.status === "SUCCESS" && job.finishedAt !== null ? naiveLocalIso(job.finishedAt) : null,
    metadata: job.annotations === null ? (isRecord(config.labels) ? config.labels : {}) : labels,
  };
}
