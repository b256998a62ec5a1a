import type { MiddlewareHandler } from "hono";
import { LaunchError } from "../domain/errors.js";
import type { HttpEnv } from "./context.js";
import { issue } from "./validation/issues.js";
import { validationError } from "./validation/parse.js";

const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export const payloadTooLarge = (limit: number): LaunchError =>
  new LaunchError("PAYLOAD_TOO_LARGE", `Request body is larger than the limit of ${limit} bytes.`);

/** Reads a request body without ever holding more than `limit` bytes. */
export async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Parses a JSON body before authentication runs: the real server rejects unparseable JSON (422
 * json_invalid) before it checks credentials (§0.2). FastAPI parses a body whose content type is
 * JSON or absent; other types (multipart uploads, raw PUTs) are left to their routes.
 */
export function jsonBodyMiddleware(limit: number): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    if (METHODS_WITH_BODY.has(c.req.method)) {
      const type = c.req.header("content-type");
      if (type === undefined || type.includes("json")) {
        const bytes = await readLimited(c.req.raw, limit);
        c.set("body", bytes.byteLength === 0 ? undefined : parseJson(bytes));
        c.set("rawBody", bytes.byteLength === 0 ? undefined : bytes);
      }
    }
    await next();
  };
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw validationError([issue("json_invalid", ["body", 0], "JSON decode error", {}, { error: "Invalid UTF-8" })]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : "Expecting value";
    const position = /position (\d+)/.exec(message)?.[1];
    throw validationError([
      issue("json_invalid", ["body", position === undefined ? 0 : Number(position)], "JSON decode error", {}, {
        error: "Expecting value",
      }),
    ]);
  }
}
