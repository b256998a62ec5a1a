import { Hono } from "hono";
import type { HttpEnv } from "../context.js";

/** GET /healthcheck, /healthz, /readyz: 200 with an empty body, no auth (§1 rows 1-3). */
export function healthRoutes(): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  for (const path of ["/healthcheck", "/healthz", "/readyz"]) {
    app.get(path, (c) => c.body(null, 200));
  }
  return app;
}
