/**
 * GET /openapi.json: the OpenAPI document of what launch-local serves — the real API's operations and
 * models (declared in this folder after model-engine's pydantic models; a test compares them with the
 * reference document) and launch-local's own routes. Built once, on first request.
 */
import { VERSION } from "../../version.js";
import { API_OPERATIONS } from "./api-operations.js";
import { CONTROL_OPERATIONS } from "./control-operations.js";
import type { JsonSchema } from "./dsl.js";
import { bundleModels } from "./models/bundles.js";
import { batchModels } from "./models/batch.js";
import { commonModels } from "./models/common.js";
import { controlModels } from "./models/control.js";
import { dashboardModels } from "./models/dashboard.js";
import { endpointModels } from "./models/endpoints.js";
import { fileAndTriggerModels } from "./models/files-triggers.js";
import { fineTuneModels } from "./models/fine-tunes.js";
import { batchCompletionModels } from "./models/batch-completions.js";
import { llmCompletionModels } from "./models/llm-completions.js";
import { llmEndpointModels } from "./models/llm-endpoints.js";
import { taskModels } from "./models/tasks.js";
import { type OperationSpec, renderOperation } from "./operation.js";

const DESCRIPTION = [
  "The Scale Launch API as launch-local serves it, plus launch-local's own control routes.",
  "",
  "Credentials: HTTP Basic with any user name (the password is ignored) or a Bearer token; the name is",
  "the user. Every route also answers under `/v1/launch`. Operations tagged *not implemented* answer 501.",
].join("\n");

export const ALL_OPERATIONS: readonly OperationSpec[] = [...API_OPERATIONS, ...CONTROL_OPERATIONS];

export function buildOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of ALL_OPERATIONS) {
    const item = (paths[spec.path] ??= {});
    item[spec.method] = renderOperation(spec);
  }
  const models = {
    ...commonModels,
    ...bundleModels,
    ...endpointModels,
    ...taskModels,
    ...batchModels,
    ...fileAndTriggerModels,
    ...llmEndpointModels,
    ...llmCompletionModels,
    ...fineTuneModels,
    ...batchCompletionModels,
    ...controlModels,
    ...dashboardModels,
  };
  const schemas = Object.fromEntries(Object.entries(models).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: "3.0.3",
    info: { title: "launch", version: "1.0.0", description: DESCRIPTION, "x-launch-local-version": VERSION },
    paths,
    components: {
      schemas,
      securitySchemes: {
        HTTPBasic: { type: "http", scheme: "basic" },
        OAuth2PasswordBearer: { type: "oauth2", flows: { password: { scopes: {}, tokenUrl: "token" } } },
      },
    },
  };
}
