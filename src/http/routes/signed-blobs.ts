import { createHash } from "node:crypto";
import { Hono } from "hono";
import { LaunchError } from "../../domain/errors.js";
import { isWorkerBlobToken } from "../../blobs/signed-url.js";
import { INVALID_SIGNATURE, RESULTS_PREFIX, SIGNED_BLOBS_PATH, type SignedMethod, WORKER_BLOBS_PATH } from "../../domain/signed-urls.js";
import { readLimited } from "../body-read.js";
import type { HttpEnv } from "../context.js";
import type { Services } from "../services.js";

const invalidSignature = (): LaunchError => new LaunchError("FORBIDDEN", INVALID_SIGNATURE);

/**
 * `<bucket>/<key>` from the request URL, each segment percent-decoded. Read from the raw URL
 * because the routed path collapses `//`; the URL parser has already resolved dot segments, and
 * the store refuses any key that would still leave its folder.
 */
function signedObject(url: string, prefix = SIGNED_BLOBS_PATH): { bucket: string; key: string } {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const query = url.indexOf("?", start);
  const path = query < 0 ? url.slice(start) : url.slice(start, query);
  const at = path.indexOf(`${prefix}/`);
  if (at < 0) throw invalidSignature();
  let segments: string[];
  try {
    segments = path
      .slice(at + prefix.length + 1)
      .split("/")
      .map(decodeURIComponent);
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

  // Workers off this machine (Ray runtime): the bearer token stands for the blob folder the process
  // runtime's workers read directly; writes are confined to result pickles.
  const authorizeWorker = (method: SignedMethod, url: string, authorization: string | undefined) => {
    const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1] ?? "";
    if (!isWorkerBlobToken(services.signingSecret, token)) throw invalidSignature();
    const object = signedObject(url, WORKER_BLOBS_PATH);
    if (method === "PUT" && (object.bucket !== services.blobs.bucket || !object.key.startsWith(RESULTS_PREFIX))) throw invalidSignature();
    return `s3://${object.bucket}/${object.key}`;
  };

  app.put(`${WORKER_BLOBS_PATH}/*`, async (c) => {
    const location = authorizeWorker("PUT", c.req.url, c.req.header("authorization"));
    await services.blobs.put(location, await readLimited(c.req.raw, services.maxBodyBytes));
    return c.body(null, 200);
  });

  app.get(`${WORKER_BLOBS_PATH}/*`, async (c) => {
    const location = authorizeWorker("GET", c.req.url, c.req.header("authorization"));
    const data = await services.blobs.read(location);
    return c.body(new Uint8Array(data), 200, { "Content-Type": "application/octet-stream" });
  });

  return app;
}
