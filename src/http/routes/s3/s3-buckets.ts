/**
 * The bucket operations of the S3 door: ListBuckets, CreateBucket, HeadBucket, DeleteBucket,
 * GetBucketLocation, ListObjectsV2 and V1 (prefix, delimiter, continuation tokens, markers,
 * max-keys, `encoding-type=url`), and DeleteObjects.
 */
import type { BlobActor } from "../../../domain/blobs/blob-access.js";
import { ObjectError } from "../../../domain/blobs/object-errors.js";
import type { ObjectService } from "../../../domain/blobs/object-service.js";
import type { S3Request } from "./s3-request.js";
import { isoTime, quotedEtag, xmlAnswer } from "./s3-request.js";
import { readUpload } from "./s3-body.js";
import { s3ErrorAnswer } from "./s3-error-table.js";
import { type XmlElement, el, optional, unescapeXml, xmlElements, xmlText } from "./s3-xml.js";
import type { Context } from "hono";
import type { HttpEnv } from "../../context.js";

const MAX_KEYS = 1000;
/** S3 takes at most this many keys in one DeleteObjects. */
const MAX_DELETE_KEYS = 1000;

const owner = (actor: BlobActor): XmlElement => el("Owner", [el("ID", actor.owner), el("DisplayName", actor.owner)]);

export async function listBuckets(objects: ObjectService, c: Context<HttpEnv>, actor: BlobActor): Promise<Response> {
  const buckets = await objects.buckets();
  return xmlAnswer(
    c,
    el("ListAllMyBucketsResult", [
      owner(actor),
      el(
        "Buckets",
        buckets.map((bucket) => el("Bucket", [el("Name", bucket.name), el("CreationDate", isoTime(bucket.createdAt))])),
      ),
    ]),
  );
}

function maxKeysOf(query: URLSearchParams): number {
  const text = query.get("max-keys");
  if (text === null) return MAX_KEYS;
  if (!/^\d+$/.test(text)) throw new ObjectError("InvalidArgument", "Provided max-keys not an integer or within integer range");
  return Math.min(Number(text), MAX_KEYS);
}

const encodeToken = (entry: string): string => Buffer.from(entry, "utf8").toString("base64url");

function decodeToken(token: string): string {
  const entry = Buffer.from(token, "base64url").toString("utf8");
  if (token === "" || encodeToken(entry) !== token) throw new ObjectError("InvalidArgument", "The continuation token provided is incorrect");
  return entry;
}

/** ListObjectsV2 (`list-type=2`) or V1 (markers). */
export async function listObjects(objects: ObjectService, request: S3Request): Promise<Response> {
  const { query } = request;
  const isV2 = query.get("list-type") === "2";
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? "";
  const maxKeys = maxKeysOf(query);
  const token = isV2 ? query.get("continuation-token") : null;
  const startAfter = isV2 ? (query.get("start-after") ?? "") : (query.get("marker") ?? "");
  const after = token !== null ? decodeToken(token) : startAfter;
  const page = await objects.list(request.actor, request.bucket, { prefix, delimiter, maxKeys, after });
  const isUrl = query.get("encoding-type") === "url";
  const encode = (text: string): string => (isUrl ? encodeURIComponent(text) : text);
  const contents = await Promise.all(
    page.contents.map(async (object) => {
      const md5 = await objects.md5(request.bucket, object.key);
      return el("Contents", [
        el("Key", encode(object.key)),
        el("LastModified", isoTime(object.modifiedAt)),
        el("ETag", quotedEtag(md5)),
        el("Size", object.size),
        ...(isV2 && query.get("fetch-owner") !== "true" ? [] : [owner(request.actor)]),
        el("StorageClass", "STANDARD"),
      ]);
    }),
  );
  const next = page.isTruncated && page.lastEntry !== null ? page.lastEntry : null;
  const paging: XmlElement[] = isV2
    ? [
        el("KeyCount", page.contents.length + page.commonPrefixes.length),
        ...optional("ContinuationToken", token),
        ...optional("NextContinuationToken", next === null ? null : encodeToken(next)),
        ...optional("StartAfter", startAfter === "" ? null : encode(startAfter)),
      ]
    : [el("Marker", encode(startAfter)), ...optional("NextMarker", next !== null && delimiter !== "" ? encode(next) : null)];
  return xmlAnswer(
    request.c,
    el("ListBucketResult", [
      el("Name", request.bucket),
      el("Prefix", encode(prefix)),
      ...optional("Delimiter", delimiter === "" ? null : encode(delimiter)),
      el("MaxKeys", maxKeys),
      ...optional("EncodingType", isUrl ? "url" : null),
      el("IsTruncated", page.isTruncated),
      ...paging,
      ...contents,
      ...page.commonPrefixes.map((common) => el("CommonPrefixes", [el("Prefix", encode(common))])),
    ]),
  );
}

export async function deleteObjects(objects: ObjectService, request: S3Request, maxBodyBytes: number): Promise<Response> {
  const body = Buffer.from(await readUpload(request.c, maxBodyBytes)).toString("utf8");
  const deleteElements = xmlElements(body, "Delete");
  const [deletion] = deleteElements;
  if (deletion === undefined)
    throw new ObjectError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
  const keys = xmlElements(deletion, "Object").map((object) => xmlText(object, "Key"));
  if (keys.length === 0 || keys.length > MAX_DELETE_KEYS || keys.some((key) => key === null || key === "")) {
    throw new ObjectError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
  }
  const isQuiet = unescapeXml(xmlText(deletion, "Quiet") ?? "false").toLowerCase() === "true";
  const outcomes = await objects.removeMany(
    request.actor,
    request.bucket,
    keys.filter((key): key is string => key !== null),
  );
  return xmlAnswer(
    request.c,
    el(
      "DeleteResult",
      outcomes.flatMap((outcome) => {
        if (outcome.error === null) return isQuiet ? [] : [el("Deleted", [el("Key", outcome.key)])];
        const error = s3ErrorAnswer(outcome.error, { bucket: request.bucket, key: outcome.key }, request.requestId);
        const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
        return [
          el("Error", [
            el("Key", outcome.key),
            el("Code", error.code),
            el("Message", error.code === "InternalError" ? "We encountered an internal error." : message),
          ]),
        ];
      }),
    ),
  );
}
