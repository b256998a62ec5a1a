import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createEndpointSchema, updateEndpointSchema } from "../../../src/http/schemas/model-endpoints.js";
import type { Issue } from "../../../src/http/validation/issues.js";
import { INVALID } from "../../../src/http/validation/schema.js";
import { createRequest, endpointHarness, idOf, me, updateRequest } from "./fixtures.js";

// The API's OpenAPI document beside the design notes (DESIGN.md "Reference material").
const SPEC_PATH = fileURLToPath(new URL("../../../../shared/reference/launch-openapi.json", import.meta.url));

function specSchema(name: string): { properties: Record<string, unknown>; required?: string[] } {
  const spec: unknown = JSON.parse(readFileSync(SPEC_PATH, "utf8"));
  const schemas = (spec as { components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> } }).components.schemas;
  const schema = schemas[name];
  if (!schema) throw new Error(`no schema ${name}`);
  return schema;
}

const missingFields = (issues: Issue[]): string[] => issues.filter((i) => i.type === "missing").map((i) => String(i.loc[1]));

// In CI the reference sits beside the clone: there the comparison must run, never skip.
describe.runIf(existsSync(SPEC_PATH) || process.env["CI"] === "true")("model-endpoint request schemas match the OpenAPI document", () => {
  it("requires exactly the spec's required create fields, in the spec's order", () => {
    const issues: Issue[] = [];
    expect(createEndpointSchema.parse({}, ["body"], issues)).toBe(INVALID);
    const spec = specSchema("CreateModelEndpointV1Request");
    const specOrder = Object.keys(spec.properties).filter((key) => spec.required?.includes(key));
    expect(missingFields(issues)).toEqual(specOrder);
  });

  it("lists the spec's update fields", () => {
    const parsed = updateEndpointSchema.parse({}, ["body"], []);
    const fields = parsed === INVALID ? [] : Object.keys(parsed);
    expect(fields).toEqual(Object.keys(specSchema("UpdateModelEndpointV1Request").properties));
    expect(Object.keys(updateRequest()).sort()).toEqual([...fields].sort());
  });

  it("emits the spec's response fields in order, plus the code-only status_reason after status (§2.2)", () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest());
    harness.markDeployed(idOf(harness));
    const expected = Object.keys(specSchema("GetModelEndpointV1Response").properties);
    expected.splice(expected.indexOf("status") + 1, 0, "status_reason");
    expect(Object.keys(harness.service.get(me, idOf(harness)))).toEqual(expected);
  });

  it("requires nothing on update", () => {
    const issues: Issue[] = [];
    expect(updateEndpointSchema.parse({}, ["body"], issues)).not.toBe(INVALID);
    expect(specSchema("UpdateModelEndpointV1Request").required ?? []).toEqual([]);
  });

  it("keeps every create field the spec lists", () => {
    const body: Record<string, unknown> = {
      name: "n",
      model_bundle_id: "b",
      endpoint_type: "sync",
      metadata: { m: 1 },
      post_inference_hooks: ["callback"],
      cpus: "1",
      gpus: 1,
      memory: 5,
      gpu_type: "nvidia-tesla-t4",
      storage: 2.5,
      nodes_per_worker: 2,
      optimize_costs: true,
      min_workers: 1,
      max_workers: 2,
      per_worker: 3,
      concurrent_requests_per_worker: 4,
      forwarder_max_concurrency: 20,
      labels: { team: "t" },
      prewarm: false,
      high_priority: true,
      billing_tags: { a: "b" },
      default_callback_url: "https://x.example/cb",
      default_callback_auth: { kind: "mtls", cert: "c", key: "k" },
      public_inference: true,
      queue_message_timeout_seconds: 43200,
      task_expires_seconds: 1,
    };
    expect(Object.keys(body)).toEqual(Object.keys(specSchema("CreateModelEndpointV1Request").properties));
    const issues: Issue[] = [];
    expect(createEndpointSchema.parse(body, ["body"], issues)).toEqual(body);
    expect(issues).toEqual([]);
  });

  it("bounds forwarder concurrency and the queue timeout", () => {
    const issues: Issue[] = [];
    updateEndpointSchema.parse({ forwarder_max_concurrency: 21, queue_message_timeout_seconds: 0, task_expires_seconds: 0 }, ["body"], issues);
    expect(issues.map((i) => [i.type, i.loc.join(".")])).toEqual([
      ["less_than_equal", "body.forwarder_max_concurrency"],
      ["greater_than_equal", "body.queue_message_timeout_seconds"],
      ["greater_than_equal", "body.task_expires_seconds"],
    ]);
  });

  it("validates callback auth by its kind", () => {
    const issues: Issue[] = [];
    updateEndpointSchema.parse({ default_callback_auth: { kind: "basic", username: "u" } }, ["body"], issues);
    expect(issues.map((i) => [i.type, i.loc.join(".")])).toEqual([["missing", "body.default_callback_auth.basic.password"]]);
  });

  it("accepts only http(s) callback URLs", () => {
    const issues: Issue[] = [];
    updateEndpointSchema.parse({ default_callback_url: "ftp://x.example" }, ["body"], issues);
    expect(issues[0]).toMatchObject({ type: "url_scheme", msg: "URL scheme should be 'http' or 'https'" });
  });
});
