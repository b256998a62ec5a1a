import { Hono } from "hono";
import type { HttpEnv } from "../context.js";
import { createEndpointSchema, type EndpointOrderBy, endpointOrderBySchema, updateEndpointSchema } from "../schemas/model-endpoints.js";
import type { Services } from "../services.js";
import { str } from "../validation/schema.js";
import { parseBody, parseQuery } from "../validation/parse.js";

/** /v1/model-endpoints CRUD (server-contract.md §1 rows 14-19, §2.2). */
export function modelEndpointRoutes(services: Pick<Services, "endpoints">): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const endpoints = services.endpoints;

  app.post("/v1/model-endpoints", (c) => c.json(endpoints.create(c.get("user"), parseBody(createEndpointSchema, c.get("body")))));

  // An unknown name is an empty list, never a 404: the client's create flow depends on it (client-contract §6.3).
  app.get("/v1/model-endpoints", (c) => {
    const query = parseQuery<{ name: string | null; order_by: EndpointOrderBy | null }>(
      { name: { schema: str(), required: false }, order_by: { schema: endpointOrderBySchema, required: false } },
      c.req.query(),
    );
    return c.json(endpoints.list(c.get("user"), query.name, query.order_by));
  });

  app.get("/v1/model-endpoints/:model_endpoint_id", (c) => c.json(endpoints.get(c.get("user"), c.req.param("model_endpoint_id"))));

  app.put("/v1/model-endpoints/:model_endpoint_id", (c) =>
    c.json(endpoints.update(c.get("user"), c.req.param("model_endpoint_id"), parseBody(updateEndpointSchema, c.get("body")))),
  );

  app.delete("/v1/model-endpoints/:model_endpoint_id", async (c) => c.json(await endpoints.delete(c.get("user"), c.req.param("model_endpoint_id"))));

  app.post("/v1/model-endpoints/:model_endpoint_id/restart", async (c) => c.json(await endpoints.restart(c.get("user"), c.req.param("model_endpoint_id"))));

  return app;
}
