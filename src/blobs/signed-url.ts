/**
 * Signed blob URLs: the stand-in for S3 presigned URLs that the client PUTs bundle bytes to without
 * credentials (client-contract.md §4). The signature is an HMAC-SHA256 over method, bucket/key and
 * the expiry, so a URL is good for one object, one method, until it expires.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { LaunchError } from "../domain/errors.js";
import { INVALID_SIGNATURE, SIGNED_BLOBS_PATH, type SignedMethod } from "../domain/signed-urls.js";

export { INVALID_SIGNATURE, SIGNED_BLOBS_PATH, type SignedMethod };

/** The bearer token of the worker blob routes: derived from the signing secret, so it survives restarts. */
export function workerBlobToken(secret: string): string {
  return createHmac("sha256", secret).update("launch-local worker blobs").digest("hex");
}

/** Whether `token` is the worker blob token (constant-time). */
export function isWorkerBlobToken(secret: string, token: string): boolean {
  const expected = Buffer.from(workerBlobToken(secret), "hex");
  return /^[0-9a-f]{64}$/.test(token) && timingSafeEqual(expected, Buffer.from(token, "hex"));
}

export function blobSignature(secret: string, method: SignedMethod, bucket: string, key: string, expires: number): string {
  return createHmac("sha256", secret).update(`${method}\n${bucket}/${key}\n${expires}`).digest("hex");
}

export interface SignedUrlRequest {
  baseUrl: string;
  secret: string;
  method: SignedMethod;
  bucket: string;
  key: string;
  /** Unix seconds. */
  expires: number;
}

export function signedBlobUrl(request: SignedUrlRequest): string {
  const { baseUrl, secret, method, bucket, key, expires } = request;
  const path = [bucket, ...key.split("/")].map(encodeURIComponent).join("/");
  const signature = blobSignature(secret, method, bucket, key, expires);
  return `${baseUrl.replace(/\/+$/, "")}${SIGNED_BLOBS_PATH}/${path}?expires=${expires}&signature=${signature}`;
}

export interface SignatureCheck {
  secret: string;
  method: SignedMethod;
  bucket: string;
  key: string;
  /** The query values as received (absent → undefined). */
  expires: string | undefined;
  signature: string | undefined;
  nowMs: number;
}

/** Throws FORBIDDEN (403 `{"detail":"Invalid or expired signature"}`) unless the URL is genuine and unexpired. */
export function verifyBlobSignature(check: SignatureCheck): void {
  const { expires, signature } = check;
  const forbidden = new LaunchError("FORBIDDEN", INVALID_SIGNATURE);
  if (expires === undefined || !/^\d{1,12}$/.test(expires)) throw forbidden;
  if (signature === undefined || !/^[0-9a-fA-F]{64}$/.test(signature)) throw forbidden;
  const expiresAt = Number(expires);
  if (Math.floor(check.nowMs / 1000) > expiresAt) throw forbidden;
  const expected = Buffer.from(blobSignature(check.secret, check.method, check.bucket, check.key, expiresAt), "hex");
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) throw forbidden;
}
