/**
 * Batch completions (llm-contract.md §1.6; `common/dtos/llms/batch_completion.py`). The v2 create
 * body holds OpenAI-style requests, whose models are not declared here (api-operations.ts lists it
 * as unmodelled); everything else is declared as the real API's.
 */
import { VLLM_ARG_FIELDS } from "../../../domain/llm/vllm-args.js";
import { type Fields, type JsonSchema, bool, dict, enumModel, int, list, model, opt, optDefault, ref, req, str, withDefault } from "../dsl.js";
import { completionSamplingFields } from "./llm-completions.js";
import { engineArgs, hardwareFields } from "./llm-endpoints.js";

/** `BatchCompletionsModelConfig`: VLLMModelConfig (VLLMEndpointAdditionalArgs without its first two) and the batch fields. */
const modelConfigFields: Fields = {
  ...engineArgs(VLLM_ARG_FIELDS.slice(2)),
  model: req(str({ example: "mixtral-8x7b-instruct" })),
  checkpoint_path: opt(str()),
  num_shards: optDefault(int({ minimum: 1.0 }), 1),
  max_context_length: opt(int({ minimum: 1.0 })),
  response_role: opt(str()),
};

const requestBaseFields: Fields = {
  input_data_path: opt(str()),
  output_data_path: req(str(), { description: "An s3:// location in launch-local's blob store, where the runner writes the JSON list of outputs." }),
  labels: withDefault(dict(str()), {}),
  data_parallelism: optDefault(int({ maximum: 64.0, minimum: 1.0 }), 1),
  max_runtime_sec: optDefault(int({ maximum: 172800.0, minimum: 1.0 }), 86400),
  priority: opt(str()),
  tool_config: opt(ref("ToolConfig")),
  ...hardwareFields,
};

const jobFields: Fields = {
  job_id: req(str()),
  input_data_path: opt(str()),
  output_data_path: req(str()),
  model_config: req(ref("BatchCompletionsModelConfig")),
  priority: opt(str()),
  status: req(ref("BatchCompletionsJobStatus")),
  created_at: req(str()),
  expires_at: req(str()),
  completed_at: { ...opt(str()), required: true },
  metadata: { ...opt(dict(str())), required: true },
};

export const batchCompletionModels: Record<string, JsonSchema> = {
  ToolConfig: model("ToolConfig", {
    name: req(str()),
    max_iterations: optDefault(int(), 10),
    execution_timeout_seconds: optDefault(int(), 60),
    should_retry_on_error: optDefault(bool(), true),
  }),
  CreateBatchCompletionsV1RequestContent: model("CreateBatchCompletionsV1RequestContent", {
    prompts: req(list(str())),
    ...completionSamplingFields,
    skip_special_tokens: optDefault(bool(), true),
  }),
  CreateBatchCompletionsV1ModelConfig: model("CreateBatchCompletionsV1ModelConfig", { ...modelConfigFields, labels: withDefault(dict(str()), {}) }),
  BatchCompletionsModelConfig: model("BatchCompletionsModelConfig", modelConfigFields),
  CreateBatchCompletionsV1Request: model("CreateBatchCompletionsV1Request", {
    ...requestBaseFields,
    content: opt(ref("CreateBatchCompletionsV1RequestContent")),
    model_config: req(ref("CreateBatchCompletionsV1ModelConfig")),
  }),
  CreateBatchCompletionsV1Response: model("CreateBatchCompletionsV1Response", { job_id: req(str()) }),
  BatchCompletionsJobStatus: enumModel("BatchCompletionsJobStatus", ["queued", "running", "completed", "failed", "cancelled", "unknown"]),
  BatchCompletionsJob: model("BatchCompletionsJob", jobFields),
  GetBatchCompletionV2Response: model("GetBatchCompletionV2Response", { job: req(ref("BatchCompletionsJob")) }),
  UpdateBatchCompletionsV2Request: model("UpdateBatchCompletionsV2Request", { job_id: req(str()), priority: opt(str()) }),
  UpdateBatchCompletionsV2Response: model("UpdateBatchCompletionsV2Response", { ...jobFields, success: req(bool()) }),
  CancelBatchCompletionsV2Response: model("CancelBatchCompletionsV2Response", { success: req(bool()) }),
};
