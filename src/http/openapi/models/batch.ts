/**
 * Batch jobs (v1) and docker-image batch jobs with their bundles (server-contract.md §2.4, §2.5;
 * `common/dtos/batch_jobs.py`).
 */
import {
  type Fields,
  type JsonSchema,
  bool,
  dateTime,
  dict,
  enumModel,
  int,
  list,
  model,
  num,
  opt,
  optDefault,
  ref,
  req,
  str,
  strIntFloat,
  withDefault,
} from "../dsl.js";

const resourceFields = (extra: Fields): Fields => ({
  cpus: opt(strIntFloat()),
  memory: opt(strIntFloat()),
  gpus: opt(int()),
  gpu_type: opt(ref("GpuType")),
  storage: opt(strIntFloat()),
  ...extra,
});

const cancel = (name: string) => model(name, { cancel: req(bool()) });
const success = (name: string) => model(name, { success: req(bool()) });

export const batchModels: Record<string, JsonSchema> = {
  BatchJobSerializationFormat: enumModel("BatchJobSerializationFormat", ["JSON", "PICKLE"]),
  CreateBatchJobResourceRequests: model(
    "CreateBatchJobResourceRequests",
    resourceFields({ max_workers: opt(int()), per_worker: opt(int()), concurrent_requests_per_worker: opt(int()) }),
  ),
  CreateBatchJobV1Request: model("CreateBatchJobV1Request", {
    model_bundle_id: req(str()),
    input_path: req(str(), { description: "The input CSV (`id`, `url`, `args`), e.g. the location from a batch-input upload." }),
    serialization_format: req(ref("BatchJobSerializationFormat")),
    labels: req(dict(str())),
    resource_requests: req(ref("CreateBatchJobResourceRequests")),
    timeout_seconds: withDefault(num(), 43200.0),
  }),
  CreateBatchJobV1Response: model("CreateBatchJobV1Response", { job_id: req(str()) }),
  GetBatchJobV1Response: model("GetBatchJobV1Response", {
    status: req(ref("BatchJobStatus")),
    result: opt(str()),
    duration: req(str({ format: "duration" })),
    num_tasks_pending: opt(int()),
    num_tasks_completed: opt(int()),
  }),
  UpdateBatchJobV1Request: cancel("UpdateBatchJobV1Request"),
  UpdateBatchJobV1Response: success("UpdateBatchJobV1Response"),

  CreateDockerImageBatchJobResourceRequests: model("CreateDockerImageBatchJobResourceRequests", resourceFields({ nodes_per_worker: opt(int()) })),
  CreateDockerImageBatchJobBundleV1Request: model("CreateDockerImageBatchJobBundleV1Request", {
    name: req(str()),
    image_repository: req(str()),
    image_tag: req(str()),
    command: req(list(str())),
    env: withDefault(dict(str()), {}),
    mount_location: opt(str(), { description: "Where the job's `job_config` is written as a JSON file." }),
    resource_requests: withDefault(ref("CreateDockerImageBatchJobResourceRequests"), {}),
    public: optDefault(bool(), false),
  }),
  CreateDockerImageBatchJobBundleV1Response: model("CreateDockerImageBatchJobBundleV1Response", { docker_image_batch_job_bundle_id: req(str()) }),
  DockerImageBatchJobBundleV1Response: model("DockerImageBatchJobBundleV1Response", {
    id: req(str()),
    name: req(str()),
    created_at: req(dateTime()),
    image_repository: req(str()),
    image_tag: req(str()),
    command: req(list(str())),
    env: req(dict(str())),
    mount_location: opt(str()),
    cpus: opt(str()),
    memory: opt(str()),
    storage: opt(str()),
    gpus: opt(int()),
    gpu_type: opt(str()),
    public: opt(bool()),
  }),
  ListDockerImageBatchJobBundleV1Response: model("ListDockerImageBatchJobBundleV1Response", {
    docker_image_batch_job_bundles: req(list(ref("DockerImageBatchJobBundleV1Response"))),
  }),
  CreateDockerImageBatchJobV1Request: model("CreateDockerImageBatchJobV1Request", {
    docker_image_batch_job_bundle_name: opt(str()),
    docker_image_batch_job_bundle_id: opt(str()),
    job_config: opt(dict()),
    labels: req(dict(str())),
    resource_requests: withDefault(ref("CreateDockerImageBatchJobResourceRequests"), {}),
    override_job_max_runtime_s: opt(int()),
  }),
  CreateDockerImageBatchJobV1Response: model("CreateDockerImageBatchJobV1Response", { job_id: req(str()) }),
  GetDockerImageBatchJobV1Response: model("GetDockerImageBatchJobV1Response", { status: req(ref("BatchJobStatus")) }),
  DockerImageBatchJob: model(
    "DockerImageBatchJob",
    {
      id: req(str()),
      created_by: req(str()),
      owner: req(str()),
      created_at: req(dateTime()),
      completed_at: opt(dateTime()),
      status: req(ref("BatchJobStatus")),
      annotations: opt(dict(str())),
      override_job_max_runtime_s: opt(int()),
      num_workers: optDefault(int(), 1),
    },
    "A docker-image batch job: its bundle's command run once.",
  ),
  ListDockerImageBatchJobsV1Response: model("ListDockerImageBatchJobsV1Response", { jobs: req(list(ref("DockerImageBatchJob"))) }),
  UpdateDockerImageBatchJobV1Request: cancel("UpdateDockerImageBatchJobV1Request"),
  UpdateDockerImageBatchJobV1Response: success("UpdateDockerImageBatchJobV1Response"),
};
