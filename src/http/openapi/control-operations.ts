/**
 * launch-local's own routes in the document: the control API (README "Control API") and the official
 * client's legacy /v1/hosted_inference routes. The coverage test requires every route the app serves
 * to be here or in api-operations.ts.
 */
import { int, mayOmit, req, str, withDefault } from "./dsl.js";
import type { OperationSpec } from "./operation.js";

const CONTROL = "launch-local control API";
const LEGACY = "Legacy client routes";
const ENDPOINT = "/_launch_local/endpoints/{endpoint_id}";
const limit = () => withDefault(int({ minimum: 1, maximum: 5000 }), 1000);

export const CONTROL_OPERATIONS: OperationSpec[] = [
  {
    method: "get",
    path: "/_launch_local/info",
    name: "info",
    tag: CONTROL,
    response: "LaunchLocalInfo",
    description: "Version, runtime, data folder, URL, and how many endpoints and workers there are.",
  },
  {
    method: "post",
    path: "/_launch_local/reset",
    name: "reset",
    tag: CONTROL,
    query: { keep: mayOmit(str({ enum: ["bundles"] })) },
    response: "LaunchLocalReset",
    description:
      "Stops every worker and removes every endpoint, task, batch job, trigger, file, log, blob and fault rule, and the bundles unless `keep=bundles`.",
  },
  {
    method: "get",
    path: `${ENDPOINT}/workers`,
    name: "list_workers",
    tag: CONTROL,
    response: "LaunchLocalWorkers",
    description: "The endpoint's workers and their states.",
  },
  {
    method: "post",
    path: `${ENDPOINT}/workers/{worker_id}/kill`,
    name: "kill_worker",
    tag: CONTROL,
    response: "LaunchLocalKilled",
    description: "SIGKILLs one worker, as a crash would.",
  },
  {
    method: "get",
    path: `${ENDPOINT}/workers/{worker_id}/logs`,
    name: "worker_logs",
    tag: CONTROL,
    query: { limit: limit() },
    response: "LaunchLocalLines",
    description: "One worker's output, also after it is gone.",
  },
  {
    method: "post",
    path: `${ENDPOINT}/scale-now`,
    name: "scale_now",
    tag: CONTROL,
    response: "LaunchLocalWorkers",
    description: "A scale decision now, with the cool-down forgotten.",
  },
  { method: "get", path: `${ENDPOINT}/faults`, name: "list_faults", tag: CONTROL, response: "LaunchLocalFaultRules" },
  {
    method: "post",
    path: `${ENDPOINT}/faults`,
    name: "add_fault",
    tag: CONTROL,
    body: { model: "LaunchLocalFaultRuleRequest" },
    response: "LaunchLocalFaultRule",
    description: 'Makes calls to the endpoint\'s workers fail, slow down or crash (README "Fault rules").',
  },
  { method: "delete", path: `${ENDPOINT}/faults`, name: "clear_faults", tag: CONTROL, response: "LaunchLocalCleared" },
  { method: "delete", path: `${ENDPOINT}/faults/{fault_id}`, name: "delete_fault", tag: CONTROL, response: "LaunchLocalDeleted" },
  {
    method: "get",
    path: `${ENDPOINT}/logs`,
    name: "endpoint_logs",
    tag: CONTROL,
    query: { stream: mayOmit(str({ enum: ["build", "worker"] })), limit: limit() },
    response: "LaunchLocalEndpointLogs",
    description: "Build and worker output, newest last.",
  },
  {
    method: "put",
    path: "/_launch_local/blobs",
    name: "put_blob",
    tag: CONTROL,
    query: { location: req(str(), { description: "s3://bucket/key" }) },
    response: "LaunchLocalBlob",
    description: "Stores the request body (any content type) at the location.",
  },
  {
    method: "get",
    path: "/_launch_local/blobs",
    name: "get_blob",
    tag: CONTROL,
    query: { location: req(str(), { description: "s3://bucket/key" }) },
    response: "any",
    responseType: "application/octet-stream",
    description: "The object's bytes.",
  },
  {
    method: "get",
    path: "/_launch_local/docker-image-batch-jobs/{batch_job_id}/logs",
    name: "docker_image_batch_job_logs",
    tag: CONTROL,
    response: "LaunchLocalJobLogs",
    description: "A docker-image batch job's output and, when it failed, why.",
  },
  {
    method: "get",
    path: "/metrics",
    name: "metrics",
    tag: CONTROL,
    response: "any",
    responseType: "text/plain",
    description: 'Prometheus metrics of the whole instance (README "Metrics"); with --admin-keys set, an admin key only. Absent with --metrics=false.',
  },
  {
    method: "get",
    path: "/_launch_local/ui/state",
    name: "dashboard_state",
    tag: CONTROL,
    response: "LaunchLocalDashboardState",
    description: "What the dashboard shows: the caller's endpoints with their load, recent async tasks, batch jobs, docker-image batch jobs and triggers.",
  },
  {
    method: "get",
    path: "/_launch_local/ui/endpoints/{endpoint_id}/series",
    name: "dashboard_series",
    tag: CONTROL,
    response: "LaunchLocalLoadSeries",
    description: "The endpoint's load once a second over the last ten minutes (workers, queue, latency).",
  },
  {
    method: "post",
    path: "/v1/hosted_inference/model_bundle_upload",
    name: "model_bundle_upload",
    tag: LEGACY,
    response: "LaunchLocalSignedUpload",
    description: "A signed URL to upload a bundle's artifact to.",
  },
  {
    method: "post",
    path: "/v1/hosted_inference/batch_task_input_upload",
    name: "batch_task_input_upload",
    tag: LEGACY,
    response: "LaunchLocalSignedUpload",
    description: "A signed URL to upload a batch job's input CSV to.",
  },
  {
    method: "get",
    path: "/v1/hosted_inference/endpoints/creation_logs/{endpoint_name}",
    name: "creation_logs",
    tag: LEGACY,
    response: "LaunchLocalCreationLogs",
    description: "An endpoint's build output.",
  },
];
