import type { DocumentedEndpoint } from "./endpoint-service.js";

/**
 * GET /v1/model-endpoints-schema.json (server-contract.md §2.2; the real
 * `live_model_endpoints_schema_gateway.py`): an OpenAPI 3.0.2 document with one POST operation per
 * endpoint of the caller — `/v1/sync-tasks?model_endpoint_id=<id>` for sync endpoints,
 * `/v1/async-tasks?model_endpoint_id=<id>` for async *and* streaming ones — and the request/response
 * schemas of each endpoint's bundle under component names prefixed `<endpoint name>-`.
 */

export const API_REFERENCE_TITLE = "Launch Endpoints API Reference";
const API_REFERENCE_VERSION = "1.0.0";

type JsonObject = Record<string, unknown>;

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** Components shared by every endpoint (the FastAPI models of the task routes). */
const SHARED_COMPONENTS: JsonObject = {
  CallbackAuth: {
    title: "CallbackAuth",
    oneOf: [ref("CallbackBasicAuth"), ref("CallbackmTLSAuth")],
    discriminator: {
      propertyName: "kind",
      mapping: { basic: "#/components/schemas/CallbackBasicAuth", mtls: "#/components/schemas/CallbackmTLSAuth" },
    },
  },
  CallbackBasicAuth: {
    title: "CallbackBasicAuth",
    required: ["kind", "username", "password"],
    type: "object",
    properties: {
      kind: { title: "Kind", enum: ["basic"], type: "string" },
      username: { title: "Username", type: "string" },
      password: { title: "Password", type: "string" },
    },
  },
  CallbackmTLSAuth: {
    title: "CallbackmTLSAuth",
    required: ["kind", "cert", "key"],
    type: "object",
    properties: {
      kind: { title: "Kind", enum: ["mtls"], type: "string" },
      cert: { title: "Cert", type: "string" },
      key: { title: "Key", type: "string" },
    },
  },
  TaskStatus: {
    title: "TaskStatus",
    enum: ["PENDING", "STARTED", "SUCCESS", "FAILURE", "UNDEFINED"],
    type: "string",
    description: "An enumeration.",
  },
  HTTPValidationError: {
    title: "HTTPValidationError",
    type: "object",
    properties: { detail: { title: "Detail", type: "array", items: ref("ValidationError") } },
  },
  ValidationError: {
    title: "ValidationError",
    required: ["loc", "msg", "type"],
    type: "object",
    properties: {
      loc: { title: "Location", type: "array", items: { anyOf: [{ type: "string" }, { type: "integer" }] } },
      msg: { title: "Message", type: "string" },
      type: { title: "Error Type", type: "string" },
    },
  },
};

function endpointComponents(prefix: string): JsonObject {
  return {
    [`${prefix}-EndpointPredictRequest`]: {
      title: "EndpointPredictV1Request",
      type: "object",
      properties: {
        url: { title: "Url", type: "string" },
        args: ref(`${prefix}-RequestSchema`),
        cloudpickle: { title: "Cloudpickle", type: "string" },
        callback_url: { title: "Callback Url", type: "string" },
        callback_auth: ref("CallbackAuth"),
        return_pickled: { title: "Return Pickled", type: "boolean", default: false },
      },
    },
    [`${prefix}-GetAsyncTaskResponse`]: {
      title: "GetAsyncTaskV1Response",
      required: ["task_id", "status"],
      type: "object",
      properties: {
        task_id: { title: "Task Id", type: "string" },
        status: ref("TaskStatus"),
        result: ref(`${prefix}-ResponseSchema`),
        traceback: { title: "Traceback", type: "string" },
      },
    },
    [`${prefix}-SyncEndpointPredictResponse`]: {
      title: "SyncEndpointPredictV1Response",
      required: ["status"],
      type: "object",
      properties: {
        status: ref("TaskStatus"),
        result: { title: "Result" },
        traceback: { title: "Traceback", type: "string" },
      },
    },
    // Used when the bundle has no readable schema file (the real default definitions).
    [`${prefix}-RequestSchema`]: { title: "RequestSchema" },
    [`${prefix}-ResponseSchema`]: { title: "ResponseSchema" },
  };
}

/** The bundle's schema definitions with names and `$ref`s prefixed by the endpoint name. */
function prefixedDefinitions(prefix: string, definitions: JsonObject): JsonObject {
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!isObject(value)) return value;
    const out: JsonObject = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = key === "$ref" && typeof inner === "string" ? inner.replace("#/components/schemas/", `#/components/schemas/${prefix}-`) : rewrite(inner);
    }
    return out;
  };
  return Object.fromEntries(Object.entries(definitions).map(([name, schema]) => [`${prefix}-${name}`, rewrite(schema)]));
}

/** Python's `str.title()`: upper-case the first letter of every run of letters. */
function pyTitle(text: string): string {
  let out = "";
  let previousIsLetter = false;
  for (const char of text) {
    const isLetter = /\p{L}/u.test(char);
    out += isLetter ? (previousIsLetter ? char.toLowerCase() : char.toUpperCase()) : char;
    previousIsLetter = isLetter;
  }
  return out;
}

function operation(endpoint: DocumentedEndpoint, path: string, responseSchema: string): JsonObject {
  const json = (schema: JsonObject) => ({ "application/json": { schema } });
  return {
    post: {
      summary: pyTitle(endpoint.name.replace(/_/g, " ")),
      // FastAPI's generated id: route name + path with non-word characters as "_", then the method.
      operationId: `${endpoint.name}${path}`.replace(/[^\p{L}\p{N}_]/gu, "_") + "_post",
      requestBody: { content: json(ref(`${endpoint.name}-EndpointPredictRequest`)), required: true },
      responses: {
        "200": { description: "Successful Response", content: json(ref(`${endpoint.name}-${responseSchema}`)) },
        "422": { description: "Validation Error", content: json(ref("HTTPValidationError")) },
      },
    },
  };
}

/**
 * Builds the document. `readSchemaFile` returns the bytes at a bundle's `schema_location`; a file
 * that cannot be read or is not a JSON object falls back to the generic schemas, as the real
 * gateway does.
 */
export async function endpointsOpenApiDocument(
  endpoints: DocumentedEndpoint[],
  readSchemaFile: (location: string) => Promise<Uint8Array>,
): Promise<JsonObject> {
  const paths: JsonObject = {};
  const schemas: JsonObject = { ...SHARED_COMPONENTS };
  for (const endpoint of endpoints) {
    const isSync = endpoint.endpointType === "sync";
    const path = `${isSync ? "/v1/sync-tasks" : "/v1/async-tasks"}?model_endpoint_id=${endpoint.id}`;
    paths[path] = operation(endpoint, path, isSync ? "SyncEndpointPredictResponse" : "GetAsyncTaskResponse");
    Object.assign(schemas, endpointComponents(endpoint.name));
    const definitions = endpoint.schemaLocation === null ? null : await readDefinitions(endpoint.schemaLocation, readSchemaFile);
    if (definitions) Object.assign(schemas, prefixedDefinitions(endpoint.name, definitions));
  }
  const sorted = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((name) => [name, schemas[name]]),
  );
  return {
    openapi: "3.0.2",
    info: { title: API_REFERENCE_TITLE, version: API_REFERENCE_VERSION },
    paths,
    components: { schemas: sorted },
  };
}

async function readDefinitions(location: string, read: (location: string) => Promise<Uint8Array>): Promise<JsonObject | null> {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(await read(location)));
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}
