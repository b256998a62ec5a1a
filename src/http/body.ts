import type { MiddlewareHandler } from "hono";
import { LaunchError } from "../domain/errors.js";
import type { HttpEnv } from "./context.js";
import { nestsDeeperThan } from "./json-depth.js";
import { honoMiddleware } from "./pipeline/hono-steps.js";
import type { RequestScope } from "./pipeline/request-scope.js";
import type { PipelineStep } from "./pipeline/step.js";
import { issue } from "./validation/issues.js";
import { validationError } from "./validation/parse.js";

const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Parses a JSON body before authentication runs: the real server rejects unparseable JSON (422
 * json_invalid) before it checks credentials (§0.2). FastAPI parses a body whose content type is
 * JSON or absent; other types (multipart uploads, raw PUTs) are left to their routes.
 */
export function jsonBodyStep(limit: number): PipelineStep {
  const take = (scope: RequestScope, bytes: Uint8Array): void => {
    scope.body = bytes.byteLength === 0 ? undefined : parseJson(bytes);
    scope.rawBody = bytes.byteLength === 0 ? undefined : bytes;
  };
  return {
    name: "json-body",
    reach: "api-routes",
    before(scope) {
      if (!METHODS_WITH_BODY.has(scope.method)) return;
      const type = scope.header("content-type");
      if (type !== undefined && !type.includes("json")) return;
      const bytes = scope.readBody(limit);
      if (bytes instanceof Uint8Array) return take(scope, bytes);
      return bytes.then((read) => take(scope, read));
    },
  };
}

/** The step as a hono middleware, for apps and sub-apps built without the whole pipeline. */
export const jsonBodyMiddleware = (limit: number): MiddlewareHandler<HttpEnv> => honoMiddleware(jsonBodyStep(limit));

const decoder = new TextDecoder("utf-8", { fatal: true });

/** What FastAPI answers for a body its parser cannot take that is not a syntax error (json-depth.ts). */
export const BODY_PARSE_ERROR = "There was an error parsing the body";

/**
 * The body as JSON: a 422 json_invalid for a JSON syntax error, and FastAPI's 400 for a body its
 * parser cannot take otherwise — bytes that are not UTF-8, or nesting deeper than Python's parser
 * goes (checked first, so nothing recursive ever sees it).
 */
export function parseJson(bytes: Uint8Array): unknown {
  if (nestsDeeperThan(bytes)) throw new LaunchError("BODY_UNPARSEABLE", BODY_PARSE_ERROR);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    // Python's json.loads fails to decode the bytes (UnicodeDecodeError, not a JSONDecodeError).
    throw new LaunchError("BODY_UNPARSEABLE", BODY_PARSE_ERROR);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : "Expecting value";
    const position = /position (\d+)/.exec(message)?.[1];
    throw validationError([
      issue(
        "json_invalid",
        ["body", position === undefined ? 0 : Number(position)],
        "JSON decode error",
        {},
        {
          error: "Expecting value",
        },
      ),
    ]);
  }
}
