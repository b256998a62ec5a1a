/**
 * The bundle behind an LLM endpoint (llm-contract.md §1.7, §2.2; `CreateLLMModelBundleV1UseCase`): an
 * ordinary streaming-enhanced runnable image named after the endpoint, whose command has the real
 * form. The real command first downloads the checkpoint into `model_files` (s5cmd); here the runtime
 * lays the weights out as `model_files` in the worker's folder before the command starts, so the
 * command starts straight with the server.
 */
import type { StreamingFlavor } from "../bundle.js";
import { RUNNABLE_DEFAULTS } from "../bundles/bundle-flavors.js";
import { FRAMEWORK_REPOSITORY, type LlmFramework, OPENAI_FRAMEWORKS, type Quantization } from "./llm-frameworks.js";
import { VLLM_ARG_FIELDS, cliFlag, formatCliValue, inferredEngineArgs, shellQuote } from "./vllm-args.js";

/** The engine's module: what the process runtime runs in the engine's environment (README "LLM endpoints"). */
export const ENGINE_MODULE = "launch_local_llm.server";
/** vLLM's own server module, what the Docker runtime runs in the real `vllm/vllm-openai` image. */
export const VLLM_MODULE = "vllm.entrypoints.openai.api_server";
/** The folder the weights appear as, in the worker's working directory (`VLLM_MODEL_WEIGHTS_FOLDER`). */
export const MODEL_FILES = "model_files";

export const OPENAI_CHAT_COMPLETION_PATH = "/v1/chat/completions";
export const OPENAI_COMPLETION_PATH = "/v1/completions";

export interface LlmBundleSpec {
  framework: LlmFramework;
  modelName: string;
  imageTag: string;
  numShards: number;
  quantize: Quantization | null;
  chatTemplateOverride: string | null;
  /** The engine arguments given (stored in `_llm.vllm_additional_args`). */
  engineArgs: Record<string, unknown>;
}

/** True when a bundle's command runs the engine (the process runtime then uses the engine's environment). */
export function isEngineCommand(command: readonly string[]): boolean {
  return command.some((token) => token.includes(`-m ${ENGINE_MODULE}`));
}

/** `_create_vllm_bundle_command` without the download step (see the file comment). */
export function engineCommand(spec: LlmBundleSpec): string[] {
  const subcommands = ["set -euo pipefail"];
  const args: Record<string, unknown> = { ...inferredEngineArgs(spec.modelName), ...withoutNulls(spec.engineArgs) };
  args.tensor_parallel_size = spec.numShards;
  if (args.gpu_memory_utilization !== undefined) args.enforce_eager = true;
  if (spec.chatTemplateOverride !== null) args.chat_template = spec.chatTemplateOverride;
  if (spec.quantize !== null) args.quantization = spec.quantize;
  const servedNames = [spec.modelName, MODEL_FILES].map(shellQuote).join(" ");
  let command = `python -m ${ENGINE_MODULE} --model ${MODEL_FILES} --served-model-name ${servedNames} --port 5005 --host "::"`;
  for (const [field] of VLLM_ARG_FIELDS) {
    const value = args[field];
    if (value === undefined || value === null) continue;
    if (field === "chat_template") {
      // Base64 through bash, as the real command does, so any template survives the shell.
      subcommands.push(`export CHAT_TEMPLATE=$(echo "${Buffer.from(String(value), "utf8").toString("base64")}" | base64 --decode)`);
      command += ` ${cliFlag(field)} "$CHAT_TEMPLATE"`;
      continue;
    }
    if (typeof value === "boolean") {
      if (value) command += ` ${cliFlag(field)}`;
      continue;
    }
    command += ` ${cliFlag(field)} ${formatCliValue(field, value)}`;
  }
  subcommands.push(command);
  return ["/bin/bash", "-c", subcommands.join(";")];
}

/** The flavor of the endpoint's bundle (`create_vllm_bundle`'s StreamingEnhancedRunnableImageFlavor). */
export function llmBundleFlavor(spec: LlmBundleSpec): StreamingFlavor {
  const command = engineCommand(spec);
  return {
    ...RUNNABLE_DEFAULTS,
    flavor: "streaming_enhanced_runnable_image",
    repository: FRAMEWORK_REPOSITORY[spec.framework],
    tag: spec.imageTag,
    command,
    streaming_command: command,
    protocol: "http",
    readiness_initial_delay_seconds: 10,
    healthcheck_route: "/health",
    predict_route: "/predict",
    streaming_predict_route: "/stream",
    // Only the frameworks that serve /v2 expose the OpenAI routes (vLLM's and SGLang's bundles).
    routes: OPENAI_FRAMEWORKS.has(spec.framework) ? [OPENAI_CHAT_COMPLETION_PATH, OPENAI_COMPLETION_PATH] : [],
    extra_routes: [],
    env: {},
  };
}

function withoutNulls(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== null && value !== undefined));
}
