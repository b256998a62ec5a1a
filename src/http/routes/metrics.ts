import { Hono } from "hono";
import { LaunchError } from "../../domain/errors.js";
import type { MetricsExposition } from "../../domain/observe-ports.js";
import type { HttpEnv } from "../context.js";

const ADMIN_ONLY = "/metrics covers every owner's endpoints and needs an admin key (--admin-keys).";

/**
 * GET /metrics: Prometheus's text format (README "Metrics"). It covers the whole instance, every
 * owner's endpoints, so it takes credentials as the API does and, once --admin-keys is set, an admin
 * key, as the other instance-wide routes (info, reset).
 */
export function metricsRoutes(metrics: MetricsExposition, hasAdminKeys: boolean): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get("/metrics", async (c) => {
    if (hasAdminKeys && !c.get("isAdmin")) throw new LaunchError("FORBIDDEN", ADMIN_ONLY);
    return c.body(await metrics.render(), 200, { "Content-Type": metrics.contentType });
  });
  return app;
}
