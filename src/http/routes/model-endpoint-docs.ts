import { Hono } from "hono";
import { ownerActor } from "../../domain/blobs/blob-access.js";
import { endpointsOpenApiDocument } from "../../domain/endpoints/endpoints-openapi.js";
import type { HttpEnv } from "../context.js";
import { docsPage } from "../docs-page.js";
import type { Services } from "../services.js";

const SCHEMA_PATH = "/v1/model-endpoints-schema.json";

/** The caller's endpoints as an API reference (server-contract.md §1 rows 20-21, §2.2). */
export function modelEndpointDocsRoutes(services: { endpoints: Services["endpoints"]; blobAccess: Pick<Services["blobAccess"], "read"> }): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  app.get(SCHEMA_PATH, async (c) => {
    const user = c.get("user");
    const endpoints = services.endpoints.documentedEndpoints(user);
    // The caller's own bundles' schemas, read with the caller's rights.
    const read = (location: string) => services.blobAccess.read(ownerActor(user.teamId), location, "schema_location");
    return c.json(await endpointsOpenApiDocument(endpoints, read));
  });

  // The real route answers FastAPI's ReDoc page, which loads ReDoc from a CDN; this page renders the
  // same document with launch-local's own script, so it works offline (README "Parity").
  app.get("/v1/model-endpoints-api", (c) => c.html(docsPage("Model Endpoints Documentation", SCHEMA_PATH)));

  return app;
}
