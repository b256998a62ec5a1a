/**
 * What pydantic does to v2 answers and requests on their way through model-engine (llm-contract.md
 * §1.4): `Model.model_validate(output)` keeps the declared fields in declaration order (extra keys
 * such as vLLM's `stop_reason` dropped, missing ones null), `model_dump_json(exclude_none=True)` on
 * stream chunks drops every null, and the request is forwarded as `model_dump(exclude_none=True)`.
 */
import { type FieldShape, type ModelName, OPENAI_MODELS } from "./openai-models.js";
import type { RequestField } from "./openai-requests.js";

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export type DumpMode = "all" | "exclude_none";

function shapeField(value: unknown, shape: FieldShape, mode: DumpMode): unknown {
  if (shape === null || value === null || value === undefined) return value;
  if ("list" in shape) return Array.isArray(value) ? value.map((item) => shapeField(item, shape.list, mode)) : value;
  return isRecord(value) ? validated(value, shape.model, mode) : value;
}

/** The answer as the response model serialises it. */
export function validated(value: Record<string, unknown>, model: ModelName, mode: DumpMode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields: readonly (readonly [string, FieldShape])[] = OPENAI_MODELS[model];
  for (const [key, shape] of fields) {
    const field = shapeField(value[key], shape, mode);
    if (field === null || field === undefined) {
      if (mode === "all") out[key] = null;
      continue;
    }
    out[key] = field;
  }
  return out;
}

/** `exclude_none` on a value not described by a model (messages, tools): nulls dropped at every depth. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (inner !== null && inner !== undefined) out[key] = withoutNulls(inner);
  return out;
}

/** `request.model_dump(exclude_none=True)` with `model` replaced (vLLM: `model_files`). */
export function v2RequestArgs(body: Record<string, unknown>, fields: readonly RequestField[], model: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name, fallback] of fields) {
    const value = name === "model" ? model : body[name];
    if (value !== null && value !== undefined) args[name] = withoutNulls(value);
    else if (fallback !== undefined && fallback !== null) args[name] = fallback;
  }
  return args;
}
