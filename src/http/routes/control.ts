import { type Context, Hono } from "hono";
import type { HttpEnv } from "../context.js";
import { LOGS_QUERY, RESET_QUERY, WORKER_LOGS_QUERY, faultBodySchema, faultSpecOf } from "../schemas/control.js";
import type { Services } from "../services.js";
import { parseBody, parseQuery } from "../validation/parse.js";

const ENDPOINT = "/_launch_local/endpoints/:endpoint_id";

/**
 * Emulator-only routes under /_launch_local/ (DESIGN.md principle 5, README "Control API"). They need
 * credentials like the API; per-endpoint routes answer 404 for another team's endpoint (§0.4). The
 * blob routes, which take raw bodies, are in control-blobs.ts.
 */
export function controlRoutes(services: Pick<Services, "control">): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const control = services.control;

  const caller = (c: Context<HttpEnv>) => ({ owner: c.get("user").teamId, isAdmin: c.get("isAdmin") });

  app.get("/_launch_local/info", (c) => c.json(control.info(caller(c))));

  app.post("/_launch_local/reset", async (c) => {
    const query = parseQuery<{ keep: "bundles" | null }>(RESET_QUERY, c.req.query());
    return c.json(await control.reset(caller(c), { keepBundles: query.keep === "bundles" }));
  });

  app.get(`${ENDPOINT}/workers`, (c) => c.json(control.workers(c.get("user"), c.req.param("endpoint_id"))));

  app.post(`${ENDPOINT}/workers/:worker_id/kill`, (c) => c.json(control.killWorker(c.get("user"), c.req.param("endpoint_id"), c.req.param("worker_id"))));

  app.get(`${ENDPOINT}/workers/:worker_id/logs`, (c) => {
    const query = parseQuery<{ limit: number }>(WORKER_LOGS_QUERY, c.req.query());
    return c.json(control.workerLogs(c.get("user"), c.req.param("endpoint_id"), c.req.param("worker_id"), query.limit));
  });

  app.post(`${ENDPOINT}/scale-now`, (c) => c.json(control.scaleNow(c.get("user"), c.req.param("endpoint_id"))));

  app.get(`${ENDPOINT}/faults`, (c) => c.json(control.listFaults(c.get("user"), c.req.param("endpoint_id"))));

  app.post(`${ENDPOINT}/faults`, (c) => {
    const spec = faultSpecOf(parseBody(faultBodySchema, c.get("body")));
    return c.json(control.addFault(c.get("user"), c.req.param("endpoint_id"), spec));
  });

  app.delete(`${ENDPOINT}/faults`, (c) => c.json(control.clearFaults(c.get("user"), c.req.param("endpoint_id"))));

  app.delete(`${ENDPOINT}/faults/:fault_id`, (c) => c.json(control.removeFault(c.get("user"), c.req.param("endpoint_id"), c.req.param("fault_id"))));

  app.get(`${ENDPOINT}/logs`, (c) => {
    const query = parseQuery<{ stream: "build" | "worker" | null; limit: number }>(LOGS_QUERY, c.req.query());
    return c.json(control.endpointLogs(c.get("user"), c.req.param("endpoint_id"), query.stream, query.limit));
  });

  return app;
}
