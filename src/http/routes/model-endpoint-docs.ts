import { Hono } from "hono";
import { endpointsOpenApiDocument } from "../../domain/endpoints/endpoints-openapi.js";
import type { HttpEnv } from "../context.js";
import { docsPage } from "../docs-page.js";
import type { Services } from "../services.js";

const SCHEMA_PATH = "/v1/model-endpoints-schema.json";


/** The caller's endpoints as an API reference (server-contract.md §1 rows 20-21, §2.2). */
export function modelEndpointDocsRoutes(services: {
  endpoints: Services["endpoints"];
  blobs: Pick<Services["blobs"], "read">;
}): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  app.get(SCHEMA_PATH, async (c) => {
    const endpoints = services.endpoints.documentedEndpoints(c.get("user"));
    return c.json(await endpointsOpenApiDocument(endpoints, (location) => services.blobs.read(location)));
  });

  // The real route answers FastAPI's ReDoc page, which loads ReDoc from a CDN; this page renders the
  // same document with launch-local's own script, so it works offline (README "Parity").
  app.get("/v1/model-endpoints-api", (c) => c.html(docsPage("Model Endpoints Documentation", SCHEMA_PATH)));

  return app;
}
