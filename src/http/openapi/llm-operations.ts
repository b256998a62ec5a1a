/**
 * The LLM half's operations of the real API (server-contract.md §1 and llm-contract.md): LLM
 * endpoints, completions v1 and the OpenAI-compatible /v2 routes, fine-tunes and batch completions,
 * with model-engine's handler names. Part of API_OPERATIONS (api-operations.ts).
 */
import { opt, ref, req, str } from "./dsl.js";
import type { OperationSpec } from "./operation.js";

const LLM_ENDPOINT = "LLM endpoints";
const LLM = "LLM batch completions";
const FINE_TUNE = "LLM fine-tunes";
const FINE_TUNES = "/v1/llm/fine-tunes";
const LLM_COMPLETIONS = "LLM completions";
const LLM_ENDPOINTS = "/v1/llm/model-endpoints";

export const UNMODELLED_OPERATIONS = ["post /v2/chat/completions", "post /v2/completions", "post /v2/batch-completions"] as const;
const unmodelled = (path: string, name: string, description: string): OperationSpec => ({
  method: "post",
  path,
  name,
  tag: LLM_COMPLETIONS,
  body: { model: "LaunchLocalAnyBody" },
  response: "any",
  description,
});

export const LLM_OPERATIONS: OperationSpec[] = [
  {
    method: "post",
    path: LLM_ENDPOINTS,
    name: "create_model_endpoint",
    tag: LLM_ENDPOINT,
    body: { model: "CreateLLMModelEndpointV1Request" },
    response: "CreateLLMModelEndpointV1Response",
    description: "Creates an LLM endpoint: a bundle named after it and an ordinary endpoint serving the model.",
  },
  {
    method: "get",
    path: LLM_ENDPOINTS,
    name: "list_model_endpoints",
    tag: LLM_ENDPOINT,
    query: { name: opt(str()), order_by: opt(ref("ModelEndpointOrderBy")) },
    response: "ListLLMModelEndpointsV1Response",
    description: "Lists the LLM model endpoints owned by the current owner, plus all public_inference LLMs.",
  },
  {
    method: "get",
    path: `${LLM_ENDPOINTS}/{model_endpoint_name}`,
    name: "get_model_endpoint",
    tag: LLM_ENDPOINT,
    response: "GetLLMModelEndpointV1Response",
    description: "Describe the LLM Model endpoint with given name.",
  },
  {
    method: "put",
    path: `${LLM_ENDPOINTS}/{model_endpoint_name}`,
    name: "update_model_endpoint",
    tag: LLM_ENDPOINT,
    body: { model: "UpdateLLMModelEndpointV1Request" },
    response: "UpdateLLMModelEndpointV1Response",
    description: "Updates an LLM endpoint for the current user.",
  },
  {
    method: "delete",
    path: `${LLM_ENDPOINTS}/{model_endpoint_name}`,
    name: "delete_llm_model_endpoint",
    tag: LLM_ENDPOINT,
    response: "DeleteLLMEndpointResponse",
  },
  {
    method: "post",
    path: "/v1/llm/completions-sync",
    name: "create_completion_sync_task",
    tag: LLM_COMPLETIONS,
    query: { model_endpoint_name: req(str()) },
    body: { model: "CompletionSyncV1Request" },
    response: "CompletionSyncV1Response",
    description: "Runs a sync prompt completion on an LLM.",
  },
  {
    method: "post",
    path: "/v1/llm/completions-stream",
    name: "create_completion_stream_task",
    tag: LLM_COMPLETIONS,
    query: { model_endpoint_name: req(str()) },
    body: { model: "CompletionStreamV1Request" },
    response: "CompletionStreamV1Response",
    description: "Runs a stream prompt completion on an LLM.",
  },
  {
    method: "get",
    path: FINE_TUNES,
    name: "list_fine_tunes",
    tag: FINE_TUNE,
    response: "ListFineTunesResponse",
    description: "Every docker-image batch job of the team, with its fine-tuned model when it is a fine-tune.",
  },
  {
    method: "post",
    path: FINE_TUNES,
    name: "create_fine_tune",
    tag: FINE_TUNE,
    body: { model: "CreateFineTuneRequest" },
    response: "CreateFineTuneResponse",
    description: "Starts a fine-tune: a docker-image batch job from the model's template.",
  },
  {
    method: "get",
    path: `${FINE_TUNES}/{fine_tune_id}`,
    name: "get_fine_tune",
    tag: FINE_TUNE,
    response: "GetFineTuneResponse",
    description: "A fine-tune's status (its job's).",
  },
  {
    method: "put",
    path: `${FINE_TUNES}/{fine_tune_id}/cancel`,
    name: "cancel_fine_tune",
    tag: FINE_TUNE,
    response: "CancelFineTuneResponse",
    description: "Cancels (deletes) a fine-tune's job.",
  },
  {
    method: "get",
    path: `${FINE_TUNES}/{fine_tune_id}/events`,
    name: "get_fine_tune_events",
    tag: FINE_TUNE,
    response: "GetFineTuneEventsResponse",
    description: "The trainer's events.",
  },
  {
    method: "post",
    path: `${LLM_ENDPOINTS}/download`,
    name: "download_model_endpoint",
    tag: LLM_ENDPOINT,
    body: { model: "ModelDownloadRequest" },
    response: "ModelDownloadResponse",
    description: "URLs of a model's weights.",
  },
  {
    method: "post",
    path: "/v1/llm/batch-completions",
    name: "create_batch_completions",
    tag: LLM,
    body: { model: "CreateBatchCompletionsV1Request" },
    response: "CreateBatchCompletionsV1Response",
    description: "Runs the prompts through the model as a docker-image batch job; the outputs go to output_data_path.",
  },
  {
    method: "post",
    path: "/v2/batch-completions",
    name: "batch_completions",
    tag: LLM,
    body: { model: "LaunchLocalAnyBody" },
    response: "BatchCompletionsJob",
    description: "CreateBatchCompletionsV2Request: as v1, with content a list of OpenAI-style completion or chat requests.",
  },
  { method: "get", path: "/v2/batch-completions/{batch_completion_id}", name: "get_batch_completion", tag: LLM, response: "GetBatchCompletionV2Response" },
  {
    method: "post",
    path: "/v2/batch-completions/{batch_completion_id}",
    name: "update_batch_completion",
    tag: LLM,
    body: { model: "UpdateBatchCompletionsV2Request" },
    response: "UpdateBatchCompletionsV2Response",
  },
  {
    method: "post",
    path: "/v2/batch-completions/{batch_completion_id}/actions/cancel",
    name: "cancel_batch_completion",
    tag: LLM,
    response: "CancelBatchCompletionsV2Response",
  },
  unmodelled(
    "/v2/chat/completions",
    "chat_completion",
    "OpenAI-compatible chat completion (`model` = the endpoint name); `stream: true` answers server-sent events without `[DONE]`.",
  ),
  unmodelled(
    "/v2/completions",
    "completion",
    "OpenAI-compatible completion (`model` = the endpoint name); `stream: true` answers server-sent events without `[DONE]`.",
  ),
];
