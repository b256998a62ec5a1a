/**
 * vLLM's engine arguments as model-engine writes them onto the server command
 * (`VLLMEndpointAdditionalArgs` in `ME/common/dtos/llms/vllm.py`, `_create_vllm_bundle_command`):
 * in field order, `--kebab-case value`, booleans as a bare flag when true, values quoted as
 * `shlex.quote` does, dicts and lists as compact JSON.
 */
export type EngineArgKind = "int" | "float" | "bool" | "str" | "dict";

/** `VLLMEndpointAdditionalArgs.model_fields`, in pydantic's order (VLLMEngineAdditionalArgs first). */
export const VLLM_ARG_FIELDS: readonly (readonly [string, EngineArgKind])[] = [
  ["max_gpu_memory_utilization", "float"],
  ["attention_backend", "str"],
  ["max_model_len", "int"],
  ["max_num_seqs", "int"],
  ["enforce_eager", "bool"],
  ["trust_remote_code", "bool"],
  ["pipeline_parallel_size", "int"],
  ["tensor_parallel_size", "int"],
  ["quantization", "str"],
  ["disable_log_requests", "bool"],
  ["chat_template", "str"],
  ["tool_call_parser", "str"],
  ["enable_auto_tool_choice", "bool"],
  ["load_format", "str"],
  ["config_format", "str"],
  ["tokenizer_mode", "str"],
  ["limit_mm_per_prompt", "str"],
  ["max_num_batched_tokens", "int"],
  ["tokenizer", "str"],
  ["dtype", "str"],
  ["seed", "int"],
  ["revision", "str"],
  ["code_revision", "str"],
  ["rope_scaling", "dict"],
  ["tokenizer_revision", "str"],
  ["quantization_param_path", "str"],
  ["max_seq_len_to_capture", "int"],
  ["disable_sliding_window", "bool"],
  ["skip_tokenizer_init", "bool"],
  ["served_model_name", "str"],
  ["override_neuron_config", "dict"],
  ["mm_processor_kwargs", "dict"],
  ["block_size", "int"],
  ["gpu_memory_utilization", "float"],
  ["swap_space", "float"],
  ["cache_dtype", "str"],
  ["num_gpu_blocks_override", "int"],
  ["enable_prefix_caching", "bool"],
];

const KIND_BY_FIELD = new Map(VLLM_ARG_FIELDS);

/** Python's `shlex.quote`. */
export function shellQuote(value: string): string {
  if (value.length === 0) return "''";
  if (/^[\w@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** `str(x)` of a Python value parsed from JSON: floats keep their `.0`. */
function pythonStr(value: unknown, kind: EngineArgKind | undefined): string {
  if (typeof value === "number" && kind === "float" && Number.isInteger(value)) return `${value}.0`;
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}

/** `format_vllm_cli_value`. */
export function formatCliValue(field: string, value: unknown): string {
  if (typeof value === "object" && value !== null) return shellQuote(JSON.stringify(value));
  return shellQuote(pythonStr(value, KIND_BY_FIELD.get(field)));
}

/** "a_b" → "--a-b". */
export const cliFlag = (field: string): string => `--${field.replace(/_/g, "-")}`;

/** `get_model_param_count_b`: the parameter count in billions read from the model name, or null. */
export function modelParamCountB(modelName: string): number | null {
  const special: [string, number][] = [
    ["mixtral-8x7b", 47],
    ["mixtral-8x22b", 140],
    ["phi-3-mini", 4],
    ["phi-3-small", 8],
    ["phi-3-medium", 15],
    ["deepseek-coder-v2-lite", 16],
    ["deepseek-coder-v2", 237],
  ];
  for (const [needle, count] of special) if (modelName.includes(needle)) return count;
  const numbers = [...modelName.matchAll(/(\d+)b/g)].map((match) => Number(match[1]));
  return numbers.length === 0 ? null : (numbers[numbers.length - 1] ?? null);
}

/** `infer_addition_engine_args_from_model_name`, without its None fields. */
export function inferredEngineArgs(modelName: string): Record<string, unknown> {
  const count = modelParamCountB(modelName);
  const args: Record<string, unknown> = { gpu_memory_utilization: count !== null && count >= 70 ? 0.95 : 0.9 };
  if (modelName.startsWith("gemma-2")) args.attention_backend = "FLASHINFER";
  if (modelName.startsWith("deepseek")) args.trust_remote_code = true;
  return args;
}
