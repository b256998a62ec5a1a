/**
 * Who is calling the S3 door. S3 clients sign with SigV4 (`Authorization: AWS4-HMAC-SHA256
 * Credential=<access key id>/…`, or the same in a presigned URL's `X-Amz-Credential`), older ones
 * with SigV2 (`AWS <key>:<signature>`, `AWSAccessKeyId=`). launch-local holds no secrets, so the
 * signature cannot be checked: the access key id is the caller's name, exactly as the API's Basic
 * username or Bearer token is (§0.3), checked against --api-keys when they are set; a presigned
 * URL's expiry is checked. Basic and Bearer are accepted too (curl).
 */
import type { BlobActor } from "../../../domain/blobs/blob-access.js";
import { ObjectError, accessDenied } from "../../../domain/blobs/object-errors.js";
import { isJobToken } from "../../../domain/docker-batch/job-credentials.js";
import { parseAuthorization } from "../../auth.js";

export interface S3Keys {
  /** Accepted keys (API keys and admin keys); null: any. */
  allowedKeys: ReadonlySet<string> | null;
  adminKeys: ReadonlySet<string> | null;
}

const invalidAccessKey = (): ObjectError => new ObjectError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
const expired = (): ObjectError => new ObjectError("AccessDenied", "Request has expired");

/** `20261202T100415Z` → epoch milliseconds, or NaN. */
function amzDate(text: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return Number.NaN;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0);
}

/** The access key id the request names, checking a presigned URL's expiry against `nowMs`. */
function accessKeyOf(authorization: string | undefined, query: URLSearchParams, nowMs: number, keys: S3Keys): string {
  if (authorization !== undefined && authorization !== "") {
    const v4 = /^AWS4-HMAC-SHA256\s.*?Credential=([^/,\s]+)\//.exec(authorization);
    if (v4?.[1] !== undefined) return v4[1];
    const v2 = /^AWS\s+([^:\s]+):/.exec(authorization);
    if (v2?.[1] !== undefined) return v2[1];
    try {
      return parseAuthorization(authorization, keys.allowedKeys);
    } catch {
      throw invalidAccessKey();
    }
  }
  const credential = query.get("X-Amz-Credential");
  if (credential !== null) {
    const signedAt = amzDate(query.get("X-Amz-Date") ?? "");
    const lifetime = Number(query.get("X-Amz-Expires") ?? "NaN");
    if (!Number.isFinite(signedAt) || !Number.isFinite(lifetime))
      throw new ObjectError("AuthorizationQueryParametersError", "X-Amz-Date and X-Amz-Expires must be given.");
    if (nowMs > signedAt + lifetime * 1000) throw expired();
    return credential.split("/")[0] ?? "";
  }
  const v2Key = query.get("AWSAccessKeyId");
  if (v2Key !== null) {
    const expires = Number(query.get("Expires") ?? "NaN");
    if (!Number.isFinite(expires) || nowMs > expires * 1000) throw expired();
    return v2Key;
  }
  throw accessDenied();
}

export function s3Caller(authorization: string | undefined, query: URLSearchParams, nowMs: number, keys: S3Keys): BlobActor {
  const name = accessKeyOf(authorization, query, nowMs, keys);
  // A job's token speaks only for its own grant (job-grant.ts), which knows nothing of this door.
  if (name === "" || isJobToken(name) || (keys.allowedKeys !== null && !keys.allowedKeys.has(name))) throw invalidAccessKey();
  return { owner: name, isAdmin: keys.adminKeys?.has(name) ?? false };
}
