/**
 * Bodies and queries of the control API (README "Control API"), validated like the rest of the API so
 * mistakes come back as the same pydantic-style 422 items (§0.2).
 */
import type { FaultSpec } from "../../domain/control/fault-rules.js";
import { any, bool, discriminated, enumOf, int, literal, num, object, optional, str } from "../validation/schema.js";

const common = {
  count: optional(int({ ge: 1 })),
  /** Keep applying until cleared (overrides count). */
  until_cleared: optional(bool(), false),
  probability: optional(num({ gt: 0, le: 1 }), 1),
};

interface FaultBody {
  kind: FaultSpec["kind"];
  count: number | null;
  until_cleared: boolean;
  probability: number;
  status_code?: number;
  body?: unknown;
  text?: string | null;
  latency_ms?: number;
}

export const faultBodySchema = discriminated<FaultBody>("kind", {
  fail: object({
    kind: literal("fail"),
    ...common,
    status_code: optional(int({ ge: 200, le: 599 }), 500),
    body: optional(any()),
    text: optional(str()),
  }),
  latency: object({ kind: literal("latency"), ...common, latency_ms: int({ ge: 1, le: 600_000 }) }),
  crash: object({ kind: literal("crash"), ...common }),
});

/** What an artifact worker answers for an exception (§4.3), so a default failure reads like one. */
const defaultFailureBody = (statusCode: number): string => JSON.stringify({ detail: { traceback: `Injected fault (launch-local): HTTP ${statusCode}` } });

/** Fail and crash rules hit one call unless told otherwise; latency stays until cleared. */
export function faultSpecOf(body: FaultBody): FaultSpec {
  const statusCode = body.status_code ?? 500;
  const defaultCount = body.kind === "latency" ? null : 1;
  let text = defaultFailureBody(statusCode);
  if (typeof body.text === "string") text = body.text;
  else if (body.body !== null && body.body !== undefined) text = JSON.stringify(body.body);
  return {
    kind: body.kind,
    count: body.until_cleared ? null : (body.count ?? defaultCount),
    probability: body.probability,
    statusCode,
    body: text,
    latencyMs: body.latency_ms ?? 0,
  };
}

export const RESET_QUERY = { keep: { schema: enumOf(["bundles"] as const), required: false } };

export const LOGS_QUERY = {
  stream: { schema: enumOf(["build", "worker"] as const), required: false },
  limit: { schema: int({ ge: 1, le: 5000 }), required: false, fallback: 1000 },
};

export const WORKER_LOGS_QUERY = { limit: LOGS_QUERY.limit };

export const BLOB_QUERY = { location: { schema: str(), required: true } };

/** `public=true` seeds an object that every caller may read (a shared test fixture). */
export const BLOB_PUT_QUERY = { ...BLOB_QUERY, public: { schema: bool(), required: false, fallback: false } };
