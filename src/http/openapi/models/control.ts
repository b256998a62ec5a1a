/**
 * launch-local's own routes: the control API under /_launch_local/ (README "Control API") and the
 * client's legacy /v1/hosted_inference routes. Names start with `LaunchLocal` so they never clash
 * with the real API's models.
 */
import { type JsonSchema, anything, bool, enumModel, int, list, literal, mayOmit, model, num, opt, ref, req, str, withDefault } from "../dsl.js";

const workerStates = ["starting", "ready", "stopping"] as const;
const lines = () => list(str());

const faultCommon = {
  count: opt(int({ minimum: 1 }), { description: "Calls it hits (default 1 for fail and crash, unlimited for latency)." }),
  until_cleared: withDefault(bool(), false, { description: "No limit: applies until cleared." }),
  probability: withDefault(num({ exclusiveMinimum: 0, maximum: 1 }), 1, { description: "Each call is hit with this chance." }),
};

export const controlModels: Record<string, JsonSchema> = {
  LaunchLocalError: model("LaunchLocalError", { detail: req(anything()) }, "The API's error envelope."),
  LaunchLocalWorkerCounts: model("LaunchLocalWorkerCounts", { total: req(int()), starting: req(int()), ready: req(int()), stopping: req(int()) }),
  LaunchLocalInfo: model("LaunchLocalInfo", {
    version: req(str()),
    runtime: req(str(), { description: "process or docker" }),
    data_dir: req(str()),
    url: req(str()),
    endpoints: req(int()),
    workers: req(ref("LaunchLocalWorkerCounts")),
  }),
  LaunchLocalReset: model("LaunchLocalReset", { reset: req(bool()), kept: req(list(str())) }),
  LaunchLocalWorkerState: enumModel("LaunchLocalWorkerState", workerStates),
  LaunchLocalWorker: model("LaunchLocalWorker", {
    id: req(str()),
    state: req(ref("LaunchLocalWorkerState")),
    inflight: req(int()),
    base_url: req(str()),
    pid: opt(int(), { description: "Process runtime: the worker's pid; Docker: null." }),
  }),
  LaunchLocalWorkers: model("LaunchLocalWorkers", { workers: req(list(ref("LaunchLocalWorker"))) }),
  LaunchLocalKilled: model("LaunchLocalKilled", { killed: req(bool()) }),
  LaunchLocalFailRule: model("LaunchLocalFailRule", {
    kind: req(literal("fail")),
    ...faultCommon,
    status_code: withDefault(int({ minimum: 200, maximum: 599 }), 500),
    body: opt(anything(), { description: "JSON the worker answers (default: a traceback body)." }),
    text: opt(str(), { description: "Raw text the worker answers instead." }),
  }),
  LaunchLocalLatencyRule: model("LaunchLocalLatencyRule", {
    kind: req(literal("latency")),
    ...faultCommon,
    latency_ms: req(int({ minimum: 1, maximum: 600000 })),
  }),
  LaunchLocalCrashRule: model("LaunchLocalCrashRule", { kind: req(literal("crash")), ...faultCommon }),
  LaunchLocalFaultRuleRequest: {
    title: "LaunchLocalFaultRuleRequest",
    oneOf: [ref("LaunchLocalFailRule"), ref("LaunchLocalLatencyRule"), ref("LaunchLocalCrashRule")],
    discriminator: {
      propertyName: "kind",
      mapping: {
        crash: "#/components/schemas/LaunchLocalCrashRule",
        fail: "#/components/schemas/LaunchLocalFailRule",
        latency: "#/components/schemas/LaunchLocalLatencyRule",
      },
    },
  },
  LaunchLocalFaultRule: model("LaunchLocalFaultRule", {
    id: req(str()),
    endpoint_id: req(str()),
    kind: req(str({ enum: ["fail", "latency", "crash"] })),
    count: opt(int()),
    remaining: opt(int()),
    applied: req(int()),
    probability: req(num()),
    status_code: opt(int()),
    body: opt(str()),
    latency_ms: opt(int()),
  }),
  LaunchLocalFaultRules: model("LaunchLocalFaultRules", { faults: req(list(ref("LaunchLocalFaultRule"))) }),
  LaunchLocalCleared: model("LaunchLocalCleared", { cleared: req(int()) }),
  LaunchLocalDeleted: model("LaunchLocalDeleted", { deleted: req(bool()) }),
  LaunchLocalEndpointLogs: model("LaunchLocalEndpointLogs", {
    build: mayOmit(lines(), { description: "Build output, oldest first." }),
    worker: mayOmit(lines(), { description: "Worker output, each line starting with `[<worker id>] `." }),
  }),
  LaunchLocalLines: model("LaunchLocalLines", { lines: req(lines()) }),
  LaunchLocalBlob: model("LaunchLocalBlob", { location: req(str()), size: req(int()) }),
  LaunchLocalJobLogs: model("LaunchLocalJobLogs", {
    id: req(str()),
    status: req(ref("BatchJobStatus")),
    status_reason: opt(str()),
    lines: req(lines()),
  }),
  LaunchLocalSignedUpload: model("LaunchLocalSignedUpload", {
    signedUrl: req(str(), { description: "PUT the bytes here (no credentials: the URL is signed)." }),
    bucket: req(str()),
    key: req(str()),
  }),
  LaunchLocalCreationLogs: model("LaunchLocalCreationLogs", { content: req(str()) }),
};
