import { Hono } from "hono";
import type { HttpEnv } from "../context.js";
import { parsePredictInput, predictResponseBody } from "../schemas/tasks.js";
import type { Services } from "../services.js";
import { eventStreamResponse, nodeConnectionAbort, nodeOutgoing } from "../sse-response.js";

/** What these routes use of Services; narrower so tests can mount them without the whole app. */
export type TaskRouteServices = Pick<Services, "tasks" | "now" | "logger">;

export interface TaskRouteOptions {
  /** Period of the SSE comment pings (sse-starlette: 15 s, §2.3). */
  pingIntervalMs?: number;
}

const DEFAULT_PING_INTERVAL_MS = 15_000;

/**
 * The streaming task route (server-contract.md §1 row 25, §2.3), hono only. The sync and async task
 * routes are door routes (task-doors.ts), served by both front doors.
 */
export function taskRoutes(services: TaskRouteServices, options: TaskRouteOptions = {}): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const pingIntervalMs = options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;

  // predictStream throws lookup/type errors synchronously, so they answer as JSON before any SSE byte.
  app.post("/v1/streaming-tasks", (c) => {
    const input = parsePredictInput("sync", c.req.query("model_endpoint_id"), c.get("body"), c.get("rawBody"));
    const events = services.tasks.predictStream(c.get("user"), input.endpointId, input.request, input.raw);
    return eventStreamResponse(events, (event) => JSON.stringify(predictResponseBody(event)), {
      pingIntervalMs,
      now: () => services.now(),
      abortConnection: nodeConnectionAbort(c.env),
      outgoing: nodeOutgoing(c.env),
      onError: (error) =>
        services.logger.warn("streaming task aborted mid-stream", {
          endpointId: input.endpointId,
          error: error instanceof Error ? error.message : String(error),
        }),
    });
  });

  return app;
}
