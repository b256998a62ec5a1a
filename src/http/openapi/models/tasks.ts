/** Tasks: sync, async and streaming predictions (server-contract.md §2.3; `common/dtos/tasks.py`). */
import { type Fields, type JsonSchema, anything, bool, int, model, num, opt, ref, req, str, withDefault } from "../dsl.js";

const predict: Fields = {
  url: opt(str(), { description: "A URL whose bytes the bundle's predict function receives (before `args`)." }),
  args: opt(ref("RequestSchema")),
  cloudpickle: opt(str()),
  callback_url: opt(str()),
  callback_auth: opt(ref("CallbackAuth")),
  return_pickled: withDefault(bool(), false),
  destination_path: opt(str()),
};

export const taskModels: Record<string, JsonSchema> = {
  EndpointPredictV1Request: model("EndpointPredictV1Request", predict),
  SyncEndpointPredictV1Request: model("SyncEndpointPredictV1Request", {
    ...predict,
    timeout_seconds: opt(num({ exclusiveMinimum: 0 }), { description: "How long to wait for a worker (default: the server's, 10 s)." }),
    num_retries: opt(int({ minimum: 0 })),
  }),
  SyncEndpointPredictV1Response: model("SyncEndpointPredictV1Response", {
    status: req(ref("TaskStatus")),
    result: opt(anything()),
    traceback: opt(str()),
    status_code: opt(int()),
  }),
  CreateAsyncTaskV1Response: model("CreateAsyncTaskV1Response", { task_id: req(str()) }),
  GetAsyncTaskV1Response: model("GetAsyncTaskV1Response", {
    task_id: req(str()),
    status: req(ref("TaskStatus")),
    result: opt(ref("ResponseSchema")),
    traceback: opt(str()),
    status_code: opt(int()),
  }),
};
