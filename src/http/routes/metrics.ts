import { Hono } from "hono";
import { LaunchError } from "../../domain/errors.js";
import type { User } from "../../domain/identity.js";
import type { MetricsExposition } from "../../domain/observe-ports.js";
import type { HttpEnv } from "../context.js";

const ADMIN_ONLY = "/metrics covers every owner's endpoints and needs an admin key (--admin-keys).";

const ENDPOINT_ID_LABEL = /[{,]endpoint_id="((?:[^"\\]|\\.)*)"/;

/**
 * Keeps the samples of the caller's own endpoints and the instance-wide ones (no endpoint label):
 * without admin keys every key is accepted, and one user must not read another's endpoint names and
 * ids here any more than through the API.
 */
export function ownSamples(text: string, isOwn: (endpointId: string) => boolean): string {
  return text
    .split("\n")
    .filter((line) => {
      if (line.startsWith("#")) return true;
      const match = ENDPOINT_ID_LABEL.exec(line);
      return match === null || isOwn(match[1] ?? "");
    })
    .join("\n");
}

/**
 * GET /metrics: Prometheus's text format (README "Metrics"). It takes credentials as the API does.
 * Once --admin-keys is set it needs an admin key and shows every owner's endpoints, as the other
 * instance-wide routes (info, reset); without admin keys a caller sees their own endpoints' series
 * and the instance-wide ones.
 */
export function metricsRoutes(metrics: MetricsExposition, hasAdminKeys: boolean, ownEndpointIds: (user: User) => ReadonlySet<string>): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get("/metrics", async (c) => {
    if (hasAdminKeys && !c.get("isAdmin")) throw new LaunchError("FORBIDDEN", ADMIN_ONLY);
    const text = await metrics.render();
    if (hasAdminKeys) return c.body(text, 200, { "Content-Type": metrics.contentType });
    const own = ownEndpointIds(c.get("user"));
    return c.body(
      ownSamples(text, (id) => own.has(id)),
      200,
      { "Content-Type": metrics.contentType },
    );
  });
  return app;
}
