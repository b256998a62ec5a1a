/**
 * The real API's 66 operations (server-contract.md §1; the LLM half's in llm-operations.ts), with the handler names model-engine gives
 * them, so `operationId` and `summary` are the real server's. Routes not built yet are listed as
 * pending while launch-local answers them 501 (routes/not-implemented.ts); a test keeps the two lists
 * equal, so a route that gets built must bring its models here.
 */
import { opt, ref, req, str } from "./dsl.js";
import { LLM_OPERATIONS } from "./llm-operations.js";
import type { OperationSpec } from "./operation.js";

const BUNDLES = "Model bundles";
const ENDPOINTS = "Model endpoints";
const TASKS = "Tasks";
const BATCH = "Batch jobs";
const DOCKER_BATCH = "Docker-image batch jobs";
const FILES = "Files";
const TRIGGERS = "Triggers";
const HEALTH = "Health";

const byModelName = { model_name: opt(str()), order_by: opt(ref("ModelBundleOrderBy")) };
const endpointQuery = { model_endpoint_id: req(str()) };

function bundleVersion(version: "v1" | "v2"): OperationSpec[] {
  const V = version.toUpperCase();
  const base = `/${version}/model-bundles`;
  const one = `ModelBundle${V}Response`;
  return [
    {
      method: "post",
      path: base,
      name: "create_model_bundle",
      tag: BUNDLES,
      body: { model: `CreateModelBundle${V}Request` },
      response: `CreateModelBundle${V}Response`,
      description: "Creates a ModelBundle for the current user.",
    },
    {
      method: "get",
      path: base,
      name: "list_model_bundles",
      tag: BUNDLES,
      query: byModelName,
      response: `ListModelBundles${V}Response`,
      description: "Lists the ModelBundles owned by the current owner.",
    },
    {
      method: "post",
      path: `${base}/clone-with-changes`,
      name: "clone_model_bundle_with_changes",
      tag: BUNDLES,
      body: { model: `CloneModelBundle${V}Request` },
      response: `CreateModelBundle${V}Response`,
      description: "Creates a ModelBundle by cloning an existing one and then applying changes on top.",
    },
    {
      method: "get",
      path: `${base}/latest`,
      name: "get_latest_model_bundle",
      tag: BUNDLES,
      query: { model_name: req(str()) },
      response: one,
      description: "Gets the latest bundle with the given name.",
    },
    {
      method: "get",
      path: `${base}/{model_bundle_id}`,
      name: "get_model_bundle",
      tag: BUNDLES,
      response: one,
      description: "Gets one of the caller's bundles.",
    },
  ];
}

/**
 * Served, but their ~90 OpenAI request and answer models (the v2 batch body holds such requests) are not declared here yet, so the document
 * shows their bodies as free-form (README "Parity"); a test keeps this list to exactly these.
 */

export const API_OPERATIONS: OperationSpec[] = [
  {
    method: "post",
    path: "/v1/batch-jobs",
    name: "create_batch_job",
    tag: BATCH,
    body: { model: "CreateBatchJobV1Request" },
    response: "CreateBatchJobV1Response",
    description: "Runs a batch job.",
  },
  {
    method: "get",
    path: "/v1/batch-jobs/{batch_job_id}",
    name: "get_batch_job",
    tag: BATCH,
    response: "GetBatchJobV1Response",
    description: "Gets a batch job.",
  },
  {
    method: "put",
    path: "/v1/batch-jobs/{batch_job_id}",
    name: "update_batch_job",
    tag: BATCH,
    body: { model: "UpdateBatchJobV1Request" },
    response: "UpdateBatchJobV1Response",
    description: "Cancels a batch job.",
  },
  {
    method: "post",
    path: "/v1/docker-image-batch-jobs",
    name: "create_docker_image_batch_job",
    tag: DOCKER_BATCH,
    body: { model: "CreateDockerImageBatchJobV1Request" },
    response: "CreateDockerImageBatchJobV1Response",
  },
  {
    method: "get",
    path: "/v1/docker-image-batch-jobs",
    name: "list_docker_image_batch_jobs",
    tag: DOCKER_BATCH,
    query: { trigger_id: opt(str()) },
    response: "ListDockerImageBatchJobsV1Response",
    description: "Lists docker image batch jobs spawned by trigger with given ID",
  },
  {
    method: "get",
    path: "/v1/docker-image-batch-jobs/{batch_job_id}",
    name: "get_docker_image_batch_job",
    tag: DOCKER_BATCH,
    response: "GetDockerImageBatchJobV1Response",
  },
  {
    method: "put",
    path: "/v1/docker-image-batch-jobs/{batch_job_id}",
    name: "update_docker_image_batch_job",
    tag: DOCKER_BATCH,
    body: { model: "UpdateDockerImageBatchJobV1Request" },
    response: "UpdateDockerImageBatchJobV1Response",
  },
  {
    method: "post",
    path: "/v1/async-tasks",
    name: "create_async_inference_task",
    tag: TASKS,
    query: endpointQuery,
    body: { model: "EndpointPredictV1Request" },
    response: "CreateAsyncTaskV1Response",
    description: "Runs an async inference prediction.",
  },
  {
    method: "get",
    path: "/v1/async-tasks/{task_id}",
    name: "get_async_inference_task",
    tag: TASKS,
    response: "GetAsyncTaskV1Response",
    description: "Gets the status of an async inference task.",
  },
  {
    method: "post",
    path: "/v1/sync-tasks",
    name: "create_sync_inference_task",
    tag: TASKS,
    query: endpointQuery,
    body: { model: "SyncEndpointPredictV1Request" },
    response: "SyncEndpointPredictV1Response",
    description: "Runs a sync inference prediction.",
  },
  {
    method: "post",
    path: "/v1/streaming-tasks",
    name: "create_streaming_inference_task",
    tag: TASKS,
    query: endpointQuery,
    body: { model: "SyncEndpointPredictV1Request" },
    response: "any",
    description: "Runs a streaming inference prediction: server-sent events, one `data: <SyncEndpointPredictV1Response JSON>` each.",
  },
  ...bundleVersion("v1"),
  ...bundleVersion("v2"),
  {
    method: "post",
    path: "/v1/model-endpoints",
    name: "create_model_endpoint",
    tag: ENDPOINTS,
    body: { model: "CreateModelEndpointV1Request" },
    response: "CreateModelEndpointV1Response",
    description: "Creates a Model for the current user.",
  },
  {
    method: "get",
    path: "/v1/model-endpoints",
    name: "list_model_endpoints",
    tag: ENDPOINTS,
    query: { name: opt(str()), order_by: opt(ref("ModelEndpointOrderBy")) },
    response: "ListModelEndpointsV1Response",
    description: "Lists the Models owned by the current owner.",
  },
  {
    method: "get",
    path: "/v1/model-endpoints/{model_endpoint_id}",
    name: "get_model_endpoint",
    tag: ENDPOINTS,
    response: "GetModelEndpointV1Response",
    description: "Describe the Model endpoint with given ID.",
  },
  {
    method: "put",
    path: "/v1/model-endpoints/{model_endpoint_id}",
    name: "update_model_endpoint",
    tag: ENDPOINTS,
    body: { model: "UpdateModelEndpointV1Request" },
    response: "UpdateModelEndpointV1Response",
    description: "Updates the Model endpoint.",
  },
  {
    method: "delete",
    path: "/v1/model-endpoints/{model_endpoint_id}",
    name: "delete_model_endpoint",
    tag: ENDPOINTS,
    response: "DeleteModelEndpointV1Response",
    description: "Deletes the Model endpoint.",
  },
  {
    method: "post",
    path: "/v1/model-endpoints/{model_endpoint_id}/restart",
    name: "restart_model_endpoint",
    tag: ENDPOINTS,
    response: "RestartModelEndpointV1Response",
    description: "Restarts the Model endpoint.",
  },
  {
    method: "get",
    path: "/v1/model-endpoints-schema.json",
    name: "get_model_endpoints_schema",
    tag: ENDPOINTS,
    response: "any",
    description: "An OpenAPI document of the caller's endpoints.",
  },
  { method: "get", path: "/v1/model-endpoints-api", name: "get_model_endpoints_api", tag: ENDPOINTS, response: "any", description: "That document as a page." },
  {
    method: "post",
    path: "/v1/docker-image-batch-job-bundles",
    name: "create_docker_image_batch_job_bundle",
    tag: DOCKER_BATCH,
    body: { model: "CreateDockerImageBatchJobBundleV1Request" },
    response: "CreateDockerImageBatchJobBundleV1Response",
    description: "Creates a docker image batch job bundle.",
  },
  {
    method: "get",
    path: "/v1/docker-image-batch-job-bundles",
    name: "list_docker_image_batch_job_model_bundles",
    tag: DOCKER_BATCH,
    query: { bundle_name: opt(str()), order_by: opt(ref("ModelBundleOrderBy")) },
    response: "ListDockerImageBatchJobBundleV1Response",
    description: "Lists docker image batch job bundles owned by current owner.",
  },
  {
    method: "get",
    path: "/v1/docker-image-batch-job-bundles/latest",
    name: "get_latest_docker_image_batch_job_bundle",
    tag: DOCKER_BATCH,
    query: { bundle_name: req(str()) },
    response: "DockerImageBatchJobBundleV1Response",
  },
  {
    method: "get",
    path: "/v1/docker-image-batch-job-bundles/{docker_image_batch_job_bundle_id}",
    name: "get_docker_image_batch_job_model_bundle",
    tag: DOCKER_BATCH,
    response: "DockerImageBatchJobBundleV1Response",
  },
  ...LLM_OPERATIONS,
  { method: "get", path: "/v1/files", name: "list_files", tag: FILES, response: "ListFilesResponse" },
  {
    method: "post",
    path: "/v1/files",
    name: "upload_file",
    tag: FILES,
    body: { model: "Body_upload_file_v1_files_post", multipart: true },
    response: "UploadFileResponse",
  },
  { method: "get", path: "/v1/files/{file_id}", name: "get_file", tag: FILES, response: "GetFileResponse" },
  { method: "delete", path: "/v1/files/{file_id}", name: "delete_file", tag: FILES, response: "DeleteFileResponse" },
  { method: "get", path: "/v1/files/{file_id}/content", name: "get_file_content", tag: FILES, response: "GetFileContentResponse" },
  {
    method: "get",
    path: "/v1/triggers",
    name: "list_triggers",
    tag: TRIGGERS,
    response: "ListTriggersV1Response",
    description: "Lists descriptions of all triggers.",
  },
  {
    method: "post",
    path: "/v1/triggers",
    name: "create_trigger",
    tag: TRIGGERS,
    body: { model: "CreateTriggerV1Request" },
    response: "CreateTriggerV1Response",
    description: "Creates and runs a trigger.",
  },
  {
    method: "get",
    path: "/v1/triggers/{trigger_id}",
    name: "get_trigger",
    tag: TRIGGERS,
    response: "GetTriggerV1Response",
    description: "Describes the trigger with the given ID.",
  },
  {
    method: "put",
    path: "/v1/triggers/{trigger_id}",
    name: "update_trigger",
    tag: TRIGGERS,
    body: { model: "UpdateTriggerV1Request" },
    response: "UpdateTriggerV1Response",
    description: "Updates the trigger with the given ID.",
  },
  {
    method: "delete",
    path: "/v1/triggers/{trigger_id}",
    name: "delete_trigger",
    tag: TRIGGERS,
    response: "DeleteTriggerV1Response",
    description: "Deletes the trigger with the given ID.",
  },
  ...["/healthcheck", "/healthz", "/readyz"].map((path): OperationSpec => ({
    method: "get",
    path,
    name: "healthcheck",
    tag: HEALTH,
    response: "any",
    isPublic: true,
    description: "Returns 200 if the app is healthy.",
  })),
];
