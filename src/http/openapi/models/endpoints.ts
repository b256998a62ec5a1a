/** Model endpoints (server-contract.md §2.2; model-engine `common/dtos/model_endpoints.py`). */
import { ENDPOINT_ORDER_BY } from "../../schemas/model-endpoints.js";
import {
  type Fields,
  type JsonSchema,
  allOptional,
  bool,
  dateTime,
  dict,
  enumModel,
  int,
  list,
  model,
  opt,
  optDefault,
  ref,
  req,
  str,
  strIntFloat,
  withDefault,
} from "../dsl.js";

const FORWARDER_MAX_CONCURRENCY = "Max in-flight requests admitted by the HTTP forwarder, independent of `per_worker`; null: `per_worker`.";

/** The fields create and update share, in the create model's order (update leaves out name, type, nodes). */
const resources: Fields = {
  cpus: req(strIntFloat()),
  gpus: req(int({ minimum: 0 })),
  memory: req(strIntFloat()),
  gpu_type: opt(ref("GpuType")),
  storage: req(strIntFloat()),
};

const scaling: Fields = {
  optimize_costs: opt(bool()),
  min_workers: req(int({ minimum: 0 })),
  max_workers: req(int({ minimum: 0 })),
  per_worker: req(int({ exclusiveMinimum: 0 })),
  concurrent_requests_per_worker: opt(int({ exclusiveMinimum: 0 })),
  forwarder_max_concurrency: opt(int({ maximum: 20, exclusiveMinimum: 0 }), { description: FORWARDER_MAX_CONCURRENCY }),
  labels: req(dict(str())),
  prewarm: opt(bool()),
  high_priority: opt(bool()),
  billing_tags: opt(dict()),
  default_callback_url: opt(str()),
  default_callback_auth: opt(ref("CallbackAuth")),
};

const queue: Fields = {
  queue_message_timeout_seconds: opt(int({ maximum: 43200, minimum: 1 }), { description: "Async endpoints: how long a worker may hold a task." }),
  task_expires_seconds: opt(int({ minimum: 1 }), { description: "Async endpoints: how long a task may wait in the queue." }),
};

const created = (name: string) => model(name, { endpoint_creation_task_id: req(str()) });

export const endpointModels: Record<string, JsonSchema> = {
  ModelEndpointOrderBy: enumModel("ModelEndpointOrderBy", ENDPOINT_ORDER_BY, "Orderings of endpoint lists."),
  CreateModelEndpointV1Request: model("CreateModelEndpointV1Request", {
    name: req(str({ maxLength: 63 })),
    model_bundle_id: req(str()),
    endpoint_type: req(ref("ModelEndpointType")),
    metadata: req(dict()),
    post_inference_hooks: opt(list(str())),
    ...resources,
    nodes_per_worker: withDefault(int({ exclusiveMinimum: 0 }), 1),
    ...scaling,
    public_inference: optDefault(bool(), false),
    ...queue,
  }),
  CreateModelEndpointV1Response: created("CreateModelEndpointV1Response"),
  UpdateModelEndpointV1Request: model(
    "UpdateModelEndpointV1Request",
    allOptional({
      model_bundle_id: req(str()),
      metadata: req(dict()),
      post_inference_hooks: req(list(str())),
      ...resources,
      ...scaling,
      public_inference: req(bool()),
      ...queue,
    }),
    "Only the fields sent change.",
  ),
  UpdateModelEndpointV1Response: created("UpdateModelEndpointV1Response"),
  ModelEndpointDeploymentState: model(
    "ModelEndpointDeploymentState",
    {
      min_workers: req(int({ minimum: 0 })),
      max_workers: req(int({ minimum: 0 })),
      per_worker: req(int({ exclusiveMinimum: 0 })),
      concurrent_requests_per_worker: req(int({ exclusiveMinimum: 0 })),
      forwarder_max_concurrency: opt(int({ maximum: 20, exclusiveMinimum: 0 }), { description: FORWARDER_MAX_CONCURRENCY }),
      available_workers: opt(int({ minimum: 0 })),
      unavailable_workers: opt(int({ minimum: 0 })),
    },
    "Scaling bounds and the workers running now (launch-local counts its real workers).",
  ),
  ModelEndpointResourceState: model(
    "ModelEndpointResourceState",
    {
      cpus: req(strIntFloat()),
      gpus: req(int({ minimum: 0 })),
      memory: req(strIntFloat()),
      gpu_type: opt(ref("GpuType")),
      storage: opt(strIntFloat()),
      nodes_per_worker: req(int({ minimum: 1 })),
      optimize_costs: opt(bool()),
    },
    "Resources of each worker, as sent.",
  ),
  GetModelEndpointV1Response: model("GetModelEndpointV1Response", {
    id: req(str()),
    name: req(str()),
    endpoint_type: req(ref("ModelEndpointType")),
    destination: req(str()),
    deployment_name: opt(str()),
    metadata: opt(dict()),
    bundle_name: req(str()),
    status: req(ref("ModelEndpointStatus")),
    post_inference_hooks: opt(list(str())),
    default_callback_url: opt(str()),
    default_callback_auth: opt(ref("CallbackAuth")),
    labels: opt(dict(str())),
    aws_role: opt(str()),
    results_s3_bucket: opt(str()),
    created_by: req(str()),
    created_at: req(dateTime()),
    last_updated_at: req(dateTime()),
    deployment_state: opt(ref("ModelEndpointDeploymentState")),
    resource_state: opt(ref("ModelEndpointResourceState")),
    num_queued_items: opt(int()),
    public_inference: opt(bool()),
    task_expires_seconds: opt(int()),
    queue_message_timeout_seconds: opt(int()),
  }),
  ListModelEndpointsV1Response: model("ListModelEndpointsV1Response", { model_endpoints: req(list(ref("GetModelEndpointV1Response"))) }),
  DeleteModelEndpointV1Response: model("DeleteModelEndpointV1Response", { deleted: req(bool()) }),
  RestartModelEndpointV1Response: model("RestartModelEndpointV1Response", { restarted: req(bool()) }),
};
