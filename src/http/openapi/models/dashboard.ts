/** The dashboard's JSON (README "Dashboard"): GET /_launch_local/ui/state and an endpoint's series. */
import { type JsonSchema, anything, int, list, model, num, opt, ref, req, str } from "../dsl.js";

const ms = (description: string) => req(int(), { description });

export const dashboardModels: Record<string, JsonSchema> = {
  LaunchLocalDashboardEndpoint: model("LaunchLocalDashboardEndpoint", {
    id: req(str()),
    name: req(str()),
    endpoint_type: req(str()),
    status: req(str()),
    status_reason: opt(str()),
    min_workers: req(int()),
    max_workers: req(int()),
    per_worker: req(int()),
    workers: req(model("LaunchLocalDashboardWorkers", { starting: req(int()), ready: req(int()), stopping: req(int()) })),
    queued: req(int(), { description: "Async tasks waiting for a slot." }),
    waiting: req(int(), { description: "Sync and streaming requests waiting for a slot." }),
    in_flight: req(int(), { description: "Calls holding a worker slot." }),
    fault_rules: req(int()),
  }),
  LaunchLocalDashboardTask: model("LaunchLocalDashboardTask", {
    id: req(str()),
    endpoint_id: req(str()),
    endpoint_name: opt(str()),
    status: req(str()),
    created_at: ms("Clock ms."),
    completed_at: opt(int()),
    result: opt(str(), { description: "The result as JSON text, cut to 2,000 characters." }),
    traceback: opt(str()),
  }),
  LaunchLocalDashboardState: model("LaunchLocalDashboardState", {
    now: ms("Clock ms."),
    owner: req(str()),
    endpoints: req(list(ref("LaunchLocalDashboardEndpoint"))),
    tasks: req(list(ref("LaunchLocalDashboardTask"))),
    batch_jobs: req(list(anything())),
    docker_image_batch_jobs: req(list(anything())),
    triggers: req(list(anything())),
  }),
  LaunchLocalLoadSample: model("LaunchLocalLoadSample", {
    at: ms("Clock ms."),
    ready: req(int()),
    starting: req(int()),
    stopping: req(int()),
    queued: req(int()),
    waiting: req(int()),
    active: req(int()),
    requests: req(int(), { description: "Requests that ended since the sample before." }),
    meanMs: opt(num()),
    maxMs: opt(num()),
  }),
  LaunchLocalLoadSeries: model("LaunchLocalLoadSeries", { endpoint_id: req(str()), samples: req(list(ref("LaunchLocalLoadSample"))) }),
};
