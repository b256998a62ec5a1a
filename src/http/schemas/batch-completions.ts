/**
 * Request models of the batch-completion routes (llm-contract.md §1.6; `ME/common/dtos/llms/batch_completion.py`):
 * `CreateBatchCompletionsV1Request` and `CreateBatchCompletionsV2Request` on one base, and
 * `UpdateBatchCompletionsV2Request`. v2 content items are OpenAI-style requests, checked by the
 * engine when the job runs (README "Parity").
 */
import type {
  BatchContent,
  BatchModelConfig,
  BatchV1Content,
  CreateBatchCompletionsRequest,
  ToolConfig,
} from "../../domain/batch-completions/batch-completion-requests.js";
import { MODEL_CONFIG_ENGINE_FIELDS } from "../../domain/batch-completions/batch-completion-job.js";
import { INVALID, type Schema, any, bool, dict, int, list, object, optional, str, union } from "../validation/schema.js";
import { completionSamplingFields } from "./llm-completions.js";
import { engineArgFields, engineArgsOf, hardwareFields } from "./llm-endpoints.js";

const modelConfigEngineFields = Object.fromEntries(
  MODEL_CONFIG_ENGINE_FIELDS.flatMap((name) => (engineArgFields[name] === undefined ? [] : [[name, engineArgFields[name]]])),
);

function modelConfigSchema(withLabels: boolean): Schema<BatchModelConfig> {
  const fields = object({
    ...modelConfigEngineFields,
    model: str(),
    checkpoint_path: optional(str()),
    num_shards: optional(int({ ge: 1 }), 1),
    max_context_length: optional(int({ ge: 1 })),
    seed: optional(int()),
    response_role: optional(str()),
    labels: optional(dict(str()), {}),
  });
  return {
    kind: "object",
    parse(input, loc, issues) {
      const parsed = fields.parse(input, loc, issues);
      if (parsed === INVALID) return INVALID;
      const { seed: _seed, ...engine } = engineArgsOf(parsed);
      return {
        model: parsed.model,
        checkpoint_path: parsed.checkpoint_path,
        num_shards: parsed.num_shards,
        max_context_length: parsed.max_context_length,
        seed: parsed.seed,
        response_role: parsed.response_role,
        engine_args: engine,
        labels: withLabels ? parsed.labels : {},
      };
    },
  };
}

const toolConfigSchema: Schema<ToolConfig> = object({
  name: str(),
  max_iterations: optional(int(), 10),
  execution_timeout_seconds: optional(int(), 60),
  should_retry_on_error: optional(bool(), true),
});

const v1ContentSchema: Schema<BatchV1Content> = object({
  prompts: list(str()),
  ...completionSamplingFields,
  skip_special_tokens: optional(bool(), true),
});

const v2ContentSchema: Schema<BatchContent> = union<BatchContent>([v1ContentSchema, { ...list(dict(any())), kind: "list[dict]" }]);

function createSchema(content: Schema<BatchContent>, withModelLabels: boolean): Schema<CreateBatchCompletionsRequest> {
  return object({
    input_data_path: optional(str()),
    output_data_path: str(),
    labels: optional(dict(str()), {}),
    data_parallelism: optional(int({ ge: 1, le: 64 }), 1),
    max_runtime_sec: optional(int({ ge: 1, le: 172_800 }), 86_400),
    priority: optional(str()),
    tool_config: optional(toolConfigSchema),
    ...hardwareFields,
    content: optional(content),
    model_config: modelConfigSchema(withModelLabels),
  });
}

export const createBatchCompletionsV1Schema = createSchema(v1ContentSchema, true);
export const createBatchCompletionsV2Schema = createSchema(v2ContentSchema, false);
export const updateBatchCompletionsV2Schema = object({ job_id: str(), priority: optional(str()) });
