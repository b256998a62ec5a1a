import { Hono } from "hono";
import type { LlmEndpointReads } from "../../domain/llm/llm-endpoint-reads.js";
import type { LlmEndpointService } from "../../domain/llm/llm-endpoint-service.js";
import type { HttpEnv } from "../context.js";
import { createLlmEndpointSchema, modelDownloadSchema, updateLlmEndpointSchema } from "../schemas/llm-endpoints.js";
import { type EndpointOrderBy, endpointOrderBySchema } from "../schemas/model-endpoints.js";
import { parseBody, parseQuery } from "../validation/parse.js";
import { str } from "../validation/schema.js";

/** /v1/llm/model-endpoints CRUD and download (llm-contract.md §1.1, server-contract.md §7.3). */
export function llmEndpointRoutes(endpoints: LlmEndpointService, reads: LlmEndpointReads): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  app.post("/v1/llm/model-endpoints", async (c) => c.json(await endpoints.create(c.get("user"), parseBody(createLlmEndpointSchema, c.get("body")))));

  app.get("/v1/llm/model-endpoints", (c) => {
    const query = parseQuery<{ name: string | null; order_by: EndpointOrderBy | null }>(
      { name: { schema: str(), required: false }, order_by: { schema: endpointOrderBySchema, required: false } },
      c.req.query(),
    );
    return c.json(reads.list(c.get("user"), query.name, query.order_by === "alphabetical" ? null : query.order_by));
  });

  // Before the {name} routes: "download" is not an endpoint name here.
  app.post("/v1/llm/model-endpoints/download", async (c) => {
    const request = parseBody(modelDownloadSchema, c.get("body"));
    return c.json(await reads.download(c.get("user"), request.model_name));
  });

  app.get("/v1/llm/model-endpoints/:model_endpoint_name", (c) => c.json(reads.get(c.get("user"), c.req.param("model_endpoint_name"))));

  app.put("/v1/llm/model-endpoints/:model_endpoint_name", async (c) =>
    c.json(await endpoints.update(c.get("user"), c.req.param("model_endpoint_name"), parseBody(updateLlmEndpointSchema, c.get("body")))),
  );

  app.delete("/v1/llm/model-endpoints/:model_endpoint_name", async (c) => c.json(await reads.delete(c.get("user"), c.req.param("model_endpoint_name"))));

  return app;
}
