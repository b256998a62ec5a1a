import { LaunchError } from "../../domain/errors.js";
import { type Issue, type Loc, issue } from "./issues.js";
import { INVALID, type Schema } from "./schema.js";

/** Raised as a 422 by the error table. */
export function validationError(issues: Issue[]): LaunchError {
  return new LaunchError("VALIDATION", "Request validation failed", issues);
}

/** Validates a parsed JSON body. `undefined` means no body at all (FastAPI: `missing` at ["body"]). */
export function parseBody<T>(schema: Schema<T>, body: unknown): T {
  const issues: Issue[] = [];
  if (body === undefined) throw validationError([issue("missing", ["body"], "Field required", null)]);
  const parsed = schema.parse(body, ["body"], issues);
  if (parsed === INVALID || issues.length > 0) throw validationError(issues);
  return parsed;
}

/**
 * Validates query parameters. Each field of `schema` names one parameter; FastAPI reports a missing
 * required parameter as `missing` at ["query", name] with input null.
 */
export function parseQuery<T extends Record<string, unknown>>(
  fields: { [K in keyof T]: { schema: Schema<T[K]>; required: boolean; fallback?: T[K] } },
  query: Record<string, string | undefined>,
): T {
  const issues: Issue[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields) as [string, { schema: Schema<unknown>; required: boolean; fallback?: unknown }][]) {
    const raw = query[name];
    const loc: Loc = ["query", name];
    if (raw === undefined) {
      if (field.required) issues.push(issue("missing", loc, "Field required", null));
      else out[name] = field.fallback ?? null;
      continue;
    }
    const parsed = field.schema.parse(raw, loc, issues);
    if (parsed !== INVALID) out[name] = parsed;
  }
  if (issues.length > 0) throw validationError(issues);
  return out as T;
}
