/**
 * What every S3 handler gets: the caller, the target, a request id, and the helpers that answer in
 * S3's forms (an XML document, S3's date formats).
 */
import type { Context } from "hono";
import type { BlobActor } from "../../../domain/blobs/blob-access.js";
import type { HttpEnv } from "../../context.js";
import { type XmlElement, xmlDocument } from "./s3-xml.js";

export interface S3Request {
  c: Context<HttpEnv>;
  actor: BlobActor;
  bucket: string;
  query: URLSearchParams;
  requestId: string;
}

export interface S3ObjectRequest extends S3Request {
  key: string;
}

export const XML_TYPE = "application/xml";

export const xmlAnswer = (c: Context<HttpEnv>, root: XmlElement, status = 200, headers: Record<string, string> = {}): Response =>
  c.body(xmlDocument(root), status as 200, { "Content-Type": XML_TYPE, ...headers });

/** `2026-12-02T10:04:15.000Z`, as listings and XML answers write times. */
export const isoTime = (ms: number): string => new Date(ms).toISOString();

/** `Wed, 02 Dec 2026 10:04:15 GMT`, as the Last-Modified header. */
export const httpTime = (ms: number): string => new Date(ms).toUTCString();

export const quotedEtag = (md5: string): string => `"${md5}"`;

/** `x-amz-acl: public-read` makes an object readable by anyone (blob-access.ts `public`); null: unchanged. */
export function publicFromAcl(acl: string | undefined): boolean | null {
  if (acl === "public-read" || acl === "public-read-write") return true;
  if (acl === "private") return false;
  return null;
}
