import { createHash } from "node:crypto";
import { Hono } from "hono";
import { LaunchError } from "../../domain/errors.js";
import { INVALID_SIGNATURE, SIGNED_BLOBS_PATH, type SignedMethod } from "../../domain/signed-urls.js";
import { readLimited } from "../body.js";
import type { HttpEnv } from "../context.js";
import type { Services } from "../services.js";

const invalidSignature = (): LaunchError => new LaunchError("FORBIDDEN", INVALID_SIGNATURE);

/**
 * `<bucket>/<key>` from the request URL, each segment percent-decoded. Read from the raw URL
 * because the routed path collapses `//`; the URL parser has already resolved dot segments, and
 * the store refuses any key that would still leave its folder.
 */
function signedObject(url: string): { bucket: string; key: string } {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const query = url.indexOf("?", start);
  const path = query < 0 ? url.slice(start) : url.slice(start, query);
  const at = path.indexOf(`${SIGNED_BLOBS_PATH}/`);
  if (at < 0) throw invalidSignature();
  let segments: string[];
  try {
    segments = path.slice(at + SIGNED_BLOBS_PATH.length + 1).split("/").map(decodeURIComponent);
  } catch {
    throw invalidSignature();
  }
  const [bucket, ...key] = segments;
  if (bucket === undefined || key.length === 0) throw invalidSignature();
  return { bucket, key: key.join("/") };
}

/**
 * The signed URLs that stand in for S3 presigned URLs (client-contract.md §4). Mounted before
 * authentication: the client's PUT carries no credentials and no Content-Type, only the signature
 * in the query. The PUT answers 200 with an empty body, as S3 does; the client ignores it.
 */
export function signedBlobRoutes(services: Services): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  const authorize = (method: SignedMethod, url: string, expires: string | undefined, signature: string | undefined) => {
    const object = signedObject(url);
    services.blobs.verifySignedUrl(method, object.bucket, object.key, expires, signature);
    return `s3://${object.bucket}/${object.key}`;
  };

  app.put(`${SIGNED_BLOBS_PATH}/*`, async (c) => {
    const location = authorize("PUT", c.req.url, c.req.query("expires"), c.req.query("signature"));
    const data = await readLimited(c.req.raw, services.maxBodyBytes);
    await services.blobs.put(location, data);
    c.header("ETag", `"${createHash("md5").update(data).digest("hex")}"`);
    return c.body(null, 200);
  });

  app.get(`${SIGNED_BLOBS_PATH}/*`, async (c) => {
    const location = authorize("GET", c.req.url, c.req.query("expires"), c.req.query("signature"));
    const data = await services.blobs.read(location);
    return c.body(new Uint8Array(data), 200, { "Content-Type": "application/octet-stream" });
  });

  return app;
}
