/**
 * The S3-compatible door (README "S3-compatible API"): path-style requests under S3_PATH, answered
 * in S3's XML with S3's error codes, on the blob store's objects with its owner rules
 * (domain/blobs/object-service.ts). Mounted before the JSON body parser and the API's
 * authentication (app.ts): bodies are raw bytes and the caller is named by the S3 signature's
 * access key id (s3-auth.ts). One handler per HTTP method picks the operation from the target and
 * the query, as S3 does.
 */
import { Hono } from "hono";
import type { MultipartService } from "../../../domain/blobs/multipart-service.js";
import type { ObjectService } from "../../../domain/blobs/object-service.js";
import { ObjectError } from "../../../domain/blobs/object-errors.js";
import type { Logger } from "../../../domain/logger.js";
import type { HttpEnv } from "../../context.js";
import { type S3Keys, s3Caller } from "./s3-auth.js";
import { deleteObjects, listBuckets, listObjects } from "./s3-buckets.js";
import { s3ErrorAnswer } from "./s3-error-table.js";
import { abortUpload, completeUpload, createUpload, listParts, listUploads, uploadPart } from "./s3-multipart.js";
import { deleteObject, getObject, putObject } from "./s3-objects.js";
import { type S3ObjectRequest, type S3Request, XML_TYPE, xmlAnswer } from "./s3-request.js";
import { S3_PATH, s3Target } from "./s3-target.js";
import { el } from "./s3-xml.js";

export interface S3Deps extends S3Keys {
  objects: ObjectService;
  multipart: MultipartService;
  maxBodyBytes: number;
  logger: Logger;
  now(): number;
  uuid(): string;
}

const notImplemented = (what: string): ObjectError => new ObjectError("NotImplemented", `${what} is not implemented by launch-local.`);

/** Bucket subresources launch-local answers; any other one is NotImplemented rather than misread as a listing. */
const BUCKET_READS = new Set(["list-type", "prefix", "delimiter", "max-keys", "continuation-token", "start-after", "encoding-type", "fetch-owner", "marker"]);

export function s3Routes(deps: S3Deps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  app.onError((error, c) => {
    const target = safeTarget(c.req.url);
    const answer = s3ErrorAnswer(
      error,
      { ...(target.bucket === null ? {} : { bucket: target.bucket }), ...(target.key === null ? {} : { key: target.key }) },
      deps.uuid(),
    );
    if (answer.code === "InternalError")
      deps.logger.error(`S3 ${c.req.method} ${c.req.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (c.req.method === "HEAD") return c.body(null, answer.status as 400, { "x-amz-request-id": deps.uuid() });
    return c.body(answer.body, answer.status as 400, { "Content-Type": XML_TYPE });
  });

  app.on(["GET", "PUT", "POST", "DELETE"], [S3_PATH, `${S3_PATH}/*`], async (c) => {
    const target = s3Target(c.req.url);
    const actor = s3Caller(c.req.header("authorization"), target.query, deps.now(), deps);
    const method = c.req.method;
    if (target.bucket === null) {
      if (method === "GET" || method === "HEAD") return listBuckets(deps.objects, c, actor);
      throw notImplemented(`${method} on the service`);
    }
    const request: S3Request = { c, actor, bucket: target.bucket, query: target.query, requestId: deps.uuid() };
    if (target.key === null) return bucketOperation(deps, request);
    return objectOperation(deps, { ...request, key: target.key });
  });

  return app;
}

async function bucketOperation(deps: S3Deps, request: S3Request): Promise<Response> {
  const { c, query, bucket } = request;
  const { objects } = deps;
  switch (c.req.method) {
    case "HEAD":
      await objects.assertBucket(bucket);
      return c.body(null, 200);
    case "GET":
      if (query.has("uploads")) return listUploads(deps.multipart, request);
      if (query.has("location")) {
        await objects.assertBucket(bucket);
        return xmlAnswer(c, el("LocationConstraint", ""));
      }
      if ([...query.keys()].some((name) => !BUCKET_READS.has(name))) throw notImplemented(`GET ?${[...query.keys()].join("&")} on a bucket`);
      return listObjects(objects, request);
    case "PUT":
      if ([...query.keys()].length > 0) throw notImplemented(`PUT ?${[...query.keys()].join("&")} on a bucket`);
      await objects.createBucket(bucket);
      return c.body(null, 200, { Location: `/${bucket}` });
    case "DELETE":
      await objects.removeBucket(bucket);
      return c.body(null, 204);
    case "POST":
      if (query.has("delete")) return deleteObjects(objects, request, deps.maxBodyBytes);
      throw notImplemented("This POST on a bucket");
    default:
      throw notImplemented(`${c.req.method} on a bucket`);
  }
}

async function objectOperation(deps: S3Deps, request: S3ObjectRequest): Promise<Response> {
  const { c, query } = request;
  const inUpload = query.has("uploadId");
  switch (c.req.method) {
    case "GET":
    case "HEAD":
      return inUpload ? listParts(deps.multipart, request) : getObject(deps.objects, request);
    case "PUT":
      if (inUpload && c.req.header("x-amz-copy-source") !== undefined) throw notImplemented("UploadPartCopy");
      return inUpload ? uploadPart(deps.multipart, request, deps.maxBodyBytes) : putObject(deps.objects, request, deps.maxBodyBytes);
    case "POST":
      if (query.has("uploads")) return createUpload(deps.multipart, request);
      if (inUpload) return completeUpload(deps.multipart, request, deps.maxBodyBytes);
      throw notImplemented("This POST on an object");
    case "DELETE":
      return inUpload ? abortUpload(deps.multipart, request) : deleteObject(deps.objects, request);
    default:
      throw notImplemented(`${c.req.method} on an object`);
  }
}

function safeTarget(url: string): { bucket: string | null; key: string | null } {
  try {
    return s3Target(url);
  } catch {
    return { bucket: null, key: null };
  }
}
