/** Models shared by many routes: callback auth, task status, GPU types, FastAPI's validation error. */
import { BATCH_JOB_STATUSES } from "../../../domain/batch/batch-job.js";
import { ENDPOINT_TYPES, GPU_TYPES } from "../../../domain/endpoint.js";
import { type JsonSchema, anything, enumModel, int, list, literal, mayOmit, model, req, str, tagged } from "../dsl.js";

export const TASK_STATUSES = ["PENDING", "STARTED", "SUCCESS", "FAILURE", "UNDEFINED"] as const;
export const ENDPOINT_STATUSES = ["READY", "UPDATE_PENDING", "UPDATE_IN_PROGRESS", "UPDATE_FAILED", "DELETE_IN_PROGRESS"] as const;

export const commonModels: Record<string, JsonSchema> = {
  CallbackAuth: { ...tagged("kind", { basic: "CallbackBasicAuth", mtls: "CallbackmTLSAuth" }), title: "CallbackAuth" },
  CallbackBasicAuth: model("CallbackBasicAuth", { kind: req(literal("basic")), username: req(str()), password: req(str()) }),
  CallbackmTLSAuth: model("CallbackmTLSAuth", { kind: req(literal("mtls")), cert: req(str()), key: req(str()) }),
  TaskStatus: enumModel("TaskStatus", TASK_STATUSES),
  BatchJobStatus: enumModel("BatchJobStatus", BATCH_JOB_STATUSES),
  ModelEndpointType: enumModel("ModelEndpointType", ENDPOINT_TYPES),
  ModelEndpointStatus: enumModel("ModelEndpointStatus", ENDPOINT_STATUSES),
  GpuType: enumModel("GpuType", GPU_TYPES, "Lists allowed GPU types for Launch."),
  // The request and response schemas of a bundle are the user's own: any JSON.
  RequestSchema: { title: "RequestSchema" },
  ResponseSchema: { title: "ResponseSchema" },
  HTTPValidationError: model("HTTPValidationError", { detail: mayOmit(list({ $ref: "#/components/schemas/ValidationError" })) }),
  ValidationError: model("ValidationError", {
    loc: req(list({ anyOf: [str(), int()] }), { title: "Location" }),
    msg: req(str(), { title: "Message" }),
    type: req(str(), { title: "Error Type" }),
    input: mayOmit(anything()),
    ctx: mayOmit({ type: "object" }, { title: "Context" }),
  }),
};
