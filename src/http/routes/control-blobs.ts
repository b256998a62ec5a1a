import { type Context, Hono } from "hono";
import { authMiddleware } from "../auth.js";
import { readLimited } from "../body-read.js";
import type { HttpEnv } from "../context.js";
import { jobCallerMiddleware } from "../job-caller.js";
import { BLOB_PUT_QUERY, BLOB_QUERY } from "../schemas/control.js";
import type { Services } from "../services.js";
import { parseQuery } from "../validation/parse.js";

const BLOBS = "/_launch_local/blobs";

/**
 * PUT/GET of the object at `?location=s3://bucket/key`, so tests can seed what bundle locations and
 * batch inputs name (README "Control API"), as the caller's own objects (domain/blobs/blob-access.ts). The body is raw bytes of any type, so these routes are
 * mounted before the JSON body parser and bring their own authentication (app.ts); the size limit is
 * the same (413).
 */
export function controlBlobRoutes(services: Pick<Services, "control" | "allowedKeys" | "adminKeys" | "maxBodyBytes" | "jobCredentials">): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const auth = authMiddleware(services.allowedKeys, services.adminKeys);
  // Jobs launch-local starts read their inputs and write their outputs here (job-grant.ts).
  const jobCallers = jobCallerMiddleware(services.jobCredentials);
  const actor = (c: Context<HttpEnv>) => ({ owner: c.get("user").teamId, isAdmin: c.get("isAdmin") });

  app.put(BLOBS, jobCallers, auth, async (c) => {
    const query = parseQuery<{ location: string; public: boolean }>(BLOB_PUT_QUERY, c.req.query());
    const data = await readLimited(c.req.raw, services.maxBodyBytes);
    const jobCaller = c.get("jobCaller");
    if (jobCaller !== undefined) return c.json(await services.control.putJobOutput(jobCaller.owner, query.location, data));
    return c.json(await services.control.putBlob(actor(c), query.location, data, query.public));
  });

  app.get(BLOBS, jobCallers, auth, async (c) => {
    const { location } = parseQuery<{ location: string }>(BLOB_QUERY, c.req.query());
    const data = await services.control.getBlob(actor(c), location);
    return c.body(new Uint8Array(data), 200, { "Content-Type": "application/octet-stream" });
  });

  return app;
}
