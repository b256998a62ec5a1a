import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../../../src/http/openapi/document.js";
import { createBatchJobSchema, updateBatchJobSchema } from "../../../src/http/schemas/batch-jobs.js";
import { updateDockerBatchJobSchema } from "../../../src/http/schemas/docker-batch.js";
import { cloneBundleSchema, createBundleV1Schema, createBundleV2Schema } from "../../../src/http/schemas/model-bundles.js";
import { createEndpointSchema, updateEndpointSchema } from "../../../src/http/schemas/model-endpoints.js";
import { createTriggerSchema, updateTriggerSchema } from "../../../src/http/schemas/triggers.js";
import { completionV1Schema } from "../../../src/http/schemas/llm-completions.js";

/**
 * The document's request models and the validators the routes run are two declarations of one
 * model: they must name the same fields in the same order and require the same ones, so the
 * document cannot drift from what launch-local accepts.
 */
const PAIRS: [string, unknown][] = [
  ["CreateModelEndpointV1Request", createEndpointSchema],
  ["UpdateModelEndpointV1Request", updateEndpointSchema],
  ["CreateModelBundleV1Request", createBundleV1Schema],
  ["CreateModelBundleV2Request", createBundleV2Schema],
  ["CloneModelBundleV1Request", cloneBundleSchema],
  ["CloneModelBundleV2Request", cloneBundleSchema],
  ["CreateBatchJobV1Request", createBatchJobSchema],
  ["UpdateBatchJobV1Request", updateBatchJobSchema],
  ["UpdateDockerImageBatchJobV1Request", updateDockerBatchJobSchema],
  ["CreateTriggerV1Request", createTriggerSchema],
  ["UpdateTriggerV1Request", updateTriggerSchema],
  ["CompletionSyncV1Request", completionV1Schema],
  ["CompletionStreamV1Request", completionV1Schema],
];

function validatorFields(validator: unknown): { names: string[]; required: string[] } {
  if (typeof validator !== "object" || validator === null || !("fields" in validator)) throw new Error("not an object() validator");
  const fields = validator.fields as Record<string, object>;
  return {
    names: Object.keys(fields),
    required: Object.entries(fields)
      .filter(([, field]) => !("optional" in field))
      .map(([name]) => name),
  };
}

describe("the document's request models are the validators' models", () => {
  const schemas = (buildOpenApiDocument() as unknown as { components: { schemas: Record<string, { properties: object; required?: string[] }> } }).components
    .schemas;
  for (const [name, validator] of PAIRS) {
    it(name, () => {
      const model = schemas[name];
      const { names, required } = validatorFields(validator);
      expect(Object.keys(model?.properties ?? {})).toEqual(names);
      expect(model?.required ?? []).toEqual(required);
    });
  }
});
