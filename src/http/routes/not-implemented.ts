import { Hono } from "hono";
import { notImplemented } from "../../domain/errors.js";
import type { HttpEnv } from "../context.js";

/**
 * Operations of the real API that later issues build. They answer 501 with a clear message rather
 * than pretending (README "Parity"). Each entry: method, path, what it is.
 */
export const PENDING_OPERATIONS: readonly (readonly [string, string, string])[] = [];

export function notImplementedRoutes(): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  for (const [method, path, what] of PENDING_OPERATIONS) {
    app.on(method, path, () => {
      throw notImplemented(`${what} (${method} ${path.replace(/:(\w+)/g, "{$1}")})`);
    });
  }
  return app;
}
