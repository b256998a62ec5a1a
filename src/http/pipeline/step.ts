import type { RequestScope } from "./request-scope.js";

/**
 * One step of the HTTP pipeline, written once for both front doors: hono mounts it as a middleware
 * (hono-steps.ts), the door routes run it themselves (door.ts). A step runs `before` the rest of the
 * pipeline and/or `after` it, with the answer's status; a throw there is answered through the one
 * error table, and the steps outside it still run their `after` (as hono's compose and onError do).
 */
export interface PipelineStep {
  readonly name: string;
  /**
   * every-request: around every request, the public routes included; api-routes: only requests that
   * reached an API route (after the health, docs and signed-URL routes; a 404 or 405 skips them).
   */
  readonly reach: "every-request" | "api-routes";
  before?(scope: RequestScope): void | Promise<void>;
  after?(scope: RequestScope, status: number): void | Promise<void>;
}
