import type { IncomingMessage } from "node:http";
import type { MiddlewareHandler } from "hono";
import { LaunchError } from "../domain/errors.js";
import type { HttpEnv } from "./context.js";
import { nestsDeeperThan } from "./json-depth.js";
import { incomingOf, requestHeader } from "./node-request.js";
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

/** Bodies at least this large are copied into one buffer as they arrive, not gathered and joined. */
const PREALLOCATE_BYTES = 64 * 1024;

/**
 * readLimited on the Node request itself (node-request.ts). Past the limit it stops reading and
 * pauses the stream, leaving the rest to the adapter's drain after the 413, as readLimited does.
 * A large body with a Content-Length is read into one buffer of that size, so it is held once,
 * never as its chunks and their join at the same time (memory per request, README "Error codes").
 */
export function readIncoming(incoming: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(incoming.headers["content-length"] ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(payloadTooLarge(limit));
  if (incoming.readableEnded) return Promise.resolve(new Uint8Array(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let whole = Number.isInteger(declared) && declared >= PREALLOCATE_BYTES ? Buffer.allocUnsafe(declared) : null;
    let size = 0;
    const stop = (): void => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
    };
    const onData = (chunk: Buffer): void => {
      const at = size;
      size += chunk.byteLength;
      if (size > limit) {
        stop();
        incoming.pause();
        reject(payloadTooLarge(limit));
        return;
      }
      if (whole !== null && size > whole.byteLength) {
        // More than declared (Node's parser would not let that happen): gather from here on.
        chunks.push(whole.subarray(0, at));
        whole = null;
      }
      if (whole !== null) chunk.copy(whole, at);
      else chunks.push(chunk);
    };
    const onEnd = (): void => {
      stop();
      if (whole !== null) resolve(size === whole.byteLength ? whole : whole.subarray(0, size));
      else resolve(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
  });
}

/**
 * Parses a JSON body before authentication runs: the real server rejects unparseable JSON (422
 * json_invalid) before it checks credentials (§0.2). FastAPI parses a body whose content type is
 * JSON or absent; other types (multipart uploads, raw PUTs) are left to their routes.
 */
export function jsonBodyMiddleware(limit: number): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    if (METHODS_WITH_BODY.has(c.req.method)) {
      const type = requestHeader(c, "content-type");
      if (type === undefined || type.includes("json")) {
        const incoming = incomingOf(c.env);
        const bytes = incoming === null ? await readLimited(c.req.raw, limit) : await readIncoming(incoming, limit);
        c.set("body", bytes.byteLength === 0 ? undefined : parseJson(bytes));
        c.set("rawBody", bytes.byteLength === 0 ? undefined : bytes);
      }
    }
    await next();
  };
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** What FastAPI answers for a body its parser cannot take that is not a syntax error (json-depth.ts). */
export const BODY_PARSE_ERROR = "There was an error parsing the body";

/**
 * The body as JSON: a 422 json_invalid for a JSON syntax error, and FastAPI's 400 for a body its
 * parser cannot take otherwise — bytes that are not UTF-8, or nesting deeper than Python's parser
 * goes (checked first, so nothing recursive ever sees it).
 */
export function parseJson(bytes: Uint8Array): unknown {
  if (nestsDeeperThan(bytes)) throw new LaunchError("BAD_REQUEST", BODY_PARSE_ERROR);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    // Python's json.loads fails to decode the bytes (UnicodeDecodeError, not a JSONDecodeError).
    throw new LaunchError("BAD_REQUEST", BODY_PARSE_ERROR);
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
