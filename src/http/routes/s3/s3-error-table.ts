/**
 * The S3 door's one error table: each S3 error code's status, and every error a handler can meet
 * (the door's own ObjectError, the blob store's coded LaunchErrors, a key the folder layout cannot
 * hold) as the `<Error>` document S3 answers. HEAD answers carry no body, as S3's.
 */
import { type ObjectErrorCode, ObjectError, type ObjectErrorPlace } from "../../../domain/blobs/object-errors.js";
import { isLaunchError } from "../../../domain/errors.js";
import { el, optional, xmlDocument } from "./s3-xml.js";

const STATUS: Record<ObjectErrorCode | "InternalError", number> = {
  AccessDenied: 403,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidURI: 400,
  MalformedXML: 400,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  NotImplemented: 501,
  PreconditionFailed: 412,
  XAmzContentSHA256Mismatch: 400,
  InternalError: 500,
};

/** Object files and folders share one tree: `a` and `a/b` cannot both be objects (README "S3"). */
const LAYOUT_CODES = new Set(["EEXIST", "ENOTDIR", "EISDIR", "ENOTEMPTY"]);

export interface S3ErrorAnswer {
  status: number;
  code: ObjectErrorCode | "InternalError";
  body: string;
}

/** `place` names the request's bucket and key where the error does not say. */
export function s3ErrorAnswer(error: unknown, place: ObjectErrorPlace, requestId: string): S3ErrorAnswer {
  const coded = asObjectError(error, place);
  const code = coded?.code ?? "InternalError";
  const message = coded?.message ?? "We encountered an internal error. Please try again.";
  const where = { ...place, ...(coded?.place ?? {}) };
  const resource = where.bucket === undefined ? "/" : `/${where.bucket}${where.key === undefined ? "" : `/${where.key}`}`;
  const body = xmlDocument(
    el("Error", [
      el("Code", code),
      el("Message", message),
      ...optional("BucketName", where.bucket),
      ...optional("Key", where.key),
      ...optional("UploadId", where.uploadId),
      el("Resource", resource),
      el("RequestId", requestId),
    ]),
    false,
  );
  return { status: STATUS[code], code, body };
}

/** null: not a user's error (a 500, logged by the caller). */
export function asObjectError(error: unknown, place: ObjectErrorPlace): ObjectError | null {
  if (error instanceof ObjectError) return error;
  if (isLaunchError(error)) {
    switch (error.code) {
      case "NOT_FOUND":
        return new ObjectError("NoSuchKey", "The specified key does not exist.", place);
      case "BAD_REQUEST":
      case "VALIDATION":
        return new ObjectError("InvalidArgument", error.message, place);
      case "PAYLOAD_TOO_LARGE":
        return new ObjectError("EntityTooLarge", `Your proposed upload exceeds the maximum allowed size. ${error.message}`, place);
      case "FORBIDDEN":
      case "UNAUTHENTICATED":
        return new ObjectError("AccessDenied", error.message, place);
      case "NOT_IMPLEMENTED":
        return new ObjectError("NotImplemented", error.message, place);
      default:
        return null;
    }
  }
  if (error instanceof Error && "code" in error && typeof error.code === "string" && LAYOUT_CODES.has(error.code)) {
    return new ObjectError(
      "InvalidRequest",
      "launch-local keeps each object as a file: a key cannot also be the folder of other keys (a and a/b), nor the other way round.",
      place,
    );
  }
  return null;
}
