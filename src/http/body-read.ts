/** Reading a request body within the size limit, from a WHATWG Request or straight from Node's request. */
import type { IncomingMessage } from "node:http";
import { LaunchError } from "../domain/errors.js";

export const payloadTooLarge = (limit: number): LaunchError => new LaunchError("PAYLOAD_TOO_LARGE", `Request body is larger than the limit of ${limit} bytes.`);

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
