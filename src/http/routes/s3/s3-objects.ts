/**
 * The object operations of the S3 door: GetObject and HeadObject (ranges, If-Match/If-None-Match,
 * the response-* overrides of presigned URLs), PutObject, CopyObject and DeleteObject.
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { ObjectError } from "../../../domain/blobs/object-errors.js";
import type { ObjectInfo, ObjectService } from "../../../domain/blobs/object-service.js";
import { readUpload } from "./s3-body.js";
import { type S3ObjectRequest, httpTime, isoTime, publicFromAcl, quotedEtag, xmlAnswer } from "./s3-request.js";
import { el } from "./s3-xml.js";

const OVERRIDES: Record<string, string> = {
  "response-content-type": "Content-Type",
  "response-content-disposition": "Content-Disposition",
  "response-content-encoding": "Content-Encoding",
  "response-content-language": "Content-Language",
  "response-cache-control": "Cache-Control",
  "response-expires": "Expires",
};

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` → inclusive bounds; null: the whole object (no or an ignored header). */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  const [, first = "", last = ""] = match;
  const range =
    first === ""
      ? { start: Math.max(0, size - Number(last)), end: size - 1 }
      : { start: Number(first), end: last === "" ? size - 1 : Math.min(Number(last), size - 1) };
  if (range.start >= size || range.start > range.end) {
    throw new ObjectError("InvalidRange", "The requested range is not satisfiable");
  }
  return range;
}

const etagList = (header: string): string[] => header.split(",").map((tag) => tag.trim().replace(/^W\//, ""));

function checkConditions(request: S3ObjectRequest, info: ObjectInfo): Response | null {
  const etag = quotedEtag(info.md5);
  const ifMatch = request.c.req.header("if-match");
  if (ifMatch !== undefined && !etagList(ifMatch).some((tag) => tag === "*" || tag === etag)) {
    throw new ObjectError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", { bucket: request.bucket, key: request.key });
  }
  const ifNoneMatch = request.c.req.header("if-none-match");
  if (ifNoneMatch !== undefined && etagList(ifNoneMatch).some((tag) => tag === "*" || tag === etag)) {
    return request.c.body(null, 304, { ETag: etag, "Last-Modified": httpTime(info.modifiedAt) });
  }
  return null;
}

export async function getObject(objects: ObjectService, request: S3ObjectRequest): Promise<Response> {
  const { c, actor, bucket, key } = request;
  const info = await objects.head(actor, bucket, key);
  const notModified = checkConditions(request, info);
  if (notModified) return notModified;
  const range = byteRange(c.req.header("range"), info.size);
  const headers: Record<string, string> = {
    "Content-Type": "binary/octet-stream",
    "Content-Length": String(range === null ? info.size : range.end - range.start + 1),
    ETag: quotedEtag(info.md5),
    "Last-Modified": httpTime(info.modifiedAt),
    "Accept-Ranges": "bytes",
  };
  if (range !== null) headers["Content-Range"] = `bytes ${range.start}-${range.end}/${info.size}`;
  for (const [parameter, header] of Object.entries(OVERRIDES)) {
    const value = request.query.get(parameter);
    if (value !== null) headers[header] = value;
  }
  const status = range === null ? 200 : 206;
  if (c.req.method === "HEAD" || info.size === 0) return c.body(null, status, headers);
  const file = createReadStream(info.path, range === null ? {} : { start: range.start, end: range.end });
  return c.body(Readable.toWeb(file) as ReadableStream<Uint8Array>, status, headers);
}

/** `x-amz-copy-source: [/]bucket/key[?versionId=…]`, percent-encoded. */
function copySource(header: string): { bucket: string; key: string } {
  const path = decodeURIComponent(header.split("?")[0] ?? "").replace(/^\/+/, "");
  const slash = path.indexOf("/");
  if (slash <= 0 || slash === path.length - 1)
    throw new ObjectError("InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

export async function putObject(objects: ObjectService, request: S3ObjectRequest, maxBodyBytes: number): Promise<Response> {
  const { c, actor, bucket, key } = request;
  const isPublic = publicFromAcl(c.req.header("x-amz-acl"));
  const source = c.req.header("x-amz-copy-source");
  if (source !== undefined) {
    const copied = await objects.copy(actor, copySource(source), { bucket, key }, isPublic);
    return xmlAnswer(c, el("CopyObjectResult", [el("LastModified", isoTime(copied.modifiedAt)), el("ETag", quotedEtag(copied.md5))]));
  }
  // Refused before the body is read: a large upload over another's object fails at once.
  await objects.assertWritable(actor, bucket, key);
  const data = await readUpload(c, maxBodyBytes);
  const md5 = await objects.put(actor, bucket, key, data, isPublic);
  return c.body(null, 200, { ETag: quotedEtag(md5) });
}

export async function deleteObject(objects: ObjectService, request: S3ObjectRequest): Promise<Response> {
  await objects.remove(request.actor, request.bucket, request.key);
  return request.c.body(null, 204);
}
