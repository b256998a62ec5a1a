import { describe, expect, it } from "vitest";
import type { DocumentedEndpoint } from "../../../src/domain/endpoints/endpoint-service.js";
import { endpointsOpenApiDocument } from "../../../src/domain/endpoints/endpoints-openapi.js";

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

const userSchemas = {
  RequestSchema: { title: "Req", type: "object", properties: { x: { title: "X", type: "integer" }, inner: { $ref: "#/components/schemas/Inner" } } },
  ResponseSchema: { title: "Resp", type: "integer" },
  Inner: { title: "Inner", type: "string" },
};

const files: Record<string, Uint8Array> = {
  "s3://launch-local/schema.json": encode(userSchemas),
  "s3://launch-local/not-json": new TextEncoder().encode("not json"),
};

const read = async (location: string): Promise<Uint8Array> => {
  const file = files[location];
  if (!file) throw new Error("missing");
  return file;
};

describe("endpoints OpenAPI document (§2.2 model-endpoints-schema.json)", () => {
  it("has one POST path per endpoint: sync-tasks for sync, async-tasks for async and streaming", async () => {
    const endpoints: DocumentedEndpoint[] = [
      { id: "end_s", name: "my_sync-ep", endpointType: "sync", schemaLocation: "s3://launch-local/schema.json" },
      { id: "end_a", name: "asy", endpointType: "async", schemaLocation: null },
      { id: "end_t", name: "str", endpointType: "streaming", schemaLocation: "s3://launch-local/missing" },
    ];
    const doc = await endpointsOpenApiDocument(endpoints, read);
    expect(doc.openapi).toBe("3.0.2");
    expect(doc.info).toEqual({ title: "Launch Endpoints API Reference", version: "1.0.0" });
    expect(Object.keys(doc.paths as object)).toEqual([
      "/v1/sync-tasks?model_endpoint_id=end_s",
      "/v1/async-tasks?model_endpoint_id=end_a",
      "/v1/async-tasks?model_endpoint_id=end_t",
    ]);
    expect(doc).toMatchObject({
      paths: {
        "/v1/sync-tasks?model_endpoint_id=end_s": {
          post: {
            summary: "My Sync-Ep",
            operationId: "my_sync_ep_v1_sync_tasks_model_endpoint_id_end_s_post",
            requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/my_sync-ep-EndpointPredictRequest" } } } },
            responses: {
              "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/my_sync-ep-SyncEndpointPredictResponse" } } } },
            },
          },
        },
        "/v1/async-tasks?model_endpoint_id=end_t": {
          post: { responses: { "200": { content: { "application/json": { schema: { $ref: "#/components/schemas/str-GetAsyncTaskResponse" } } } } } },
        },
      },
    });
  });

  it("prefixes the bundle's schema definitions and their refs with the endpoint name, sorted", async () => {
    const doc = await endpointsOpenApiDocument(
      [
        { id: "end_s", name: "ep", endpointType: "sync", schemaLocation: "s3://launch-local/schema.json" },
        { id: "end_b", name: "broken", endpointType: "async", schemaLocation: "s3://launch-local/not-json" },
      ],
      read,
    );
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    expect(schemas["ep-RequestSchema"]).toEqual({
      title: "Req",
      type: "object",
      properties: { x: { title: "X", type: "integer" }, inner: { $ref: "#/components/schemas/ep-Inner" } },
    });
    expect(schemas["ep-ResponseSchema"]).toEqual({ title: "Resp", type: "integer" });
    expect(schemas["ep-Inner"]).toEqual({ title: "Inner", type: "string" });
    // An unreadable schema file falls back to the generic definitions.
    expect(schemas["broken-RequestSchema"]).toEqual({ title: "RequestSchema" });
    expect(schemas["ep-EndpointPredictRequest"]).toMatchObject({ properties: { args: { $ref: "#/components/schemas/ep-RequestSchema" } } });
    expect(schemas.CallbackAuth).toBeDefined();
    expect(schemas.HTTPValidationError).toBeDefined();
    const names = Object.keys(schemas);
    expect(names).toEqual([...names].sort());
  });

  it("is a valid document with no endpoints", async () => {
    const doc = await endpointsOpenApiDocument([], read);
    expect(doc.paths).toEqual({});
  });
});
