import { Hono } from "hono";
import { endpointsOpenApiDocument } from "../../domain/endpoints/endpoints-openapi.js";
import type { HttpEnv } from "../context.js";
import type { Services } from "../services.js";

const SCHEMA_PATH = "/v1/model-endpoints-schema.json";

/**
 * FastAPI's `get_redoc_html(openapi_url=…, title="Model Endpoints Documentation")`, as the real route
 * answers. The page loads ReDoc from its CDN in the user's browser; serving it needs no network.
 */
const REDOC_PAGE = `
    <!DOCTYPE html>
    <html>
    <head>
    <title>Model Endpoints Documentation</title>
    <!-- needed for adaptive design -->
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700" rel="stylesheet">
    <link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
    <!--
    ReDoc doesn't change outer page styles
    -->
    <style>
      body {
        margin: 0;
        padding: 0;
      }
    </style>
    </head>
    <body>
    <noscript>
        ReDoc requires Javascript to function. Please enable it to browse the documentation.
    </noscript>
    <redoc spec-url="${SCHEMA_PATH}"></redoc>
    <script src="https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"> </script>
    </body>
    </html>
    `;

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

  app.get("/v1/model-endpoints-api", (c) => c.html(REDOC_PAGE));

  return app;
}
