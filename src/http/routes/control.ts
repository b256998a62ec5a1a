import { Hono } from "hono";
import type { HttpEnv } from "../context.js";
import type { Services } from "../services.js";

/**
 * Emulator-only routes under /_launch_local/ (DESIGN.md principle 5). They need credentials like the
 * API. The full control API (workers, faults, scale-now, logs, blobs) is issue 6; `info` is here now.
 */
export function controlRoutes(services: Services): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get("/_launch_local/info", (c) => c.json(services.info()));
  return app;
}
