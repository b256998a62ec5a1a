import { Hono } from "hono";
import { routeNotFound } from "../../domain/errors.js";
import type { HttpEnv } from "../context.js";
import { DOCS_ASSETS, docsPage } from "../docs-page.js";
import type { JsonSchema } from "../openapi/dsl.js";
import { staticAssets } from "../static-assets.js";

/**
 * GET /openapi.json (the document of what launch-local serves), /docs (a page rendering it) and the
 * page's own script and style. No credentials, as FastAPI's own /openapi.json and /docs; all of it
 * comes from the package, so the page works offline.
 */
export function apiDocsRoutes(): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const asset = staticAssets("docs", ["docs.js", "docs.css"]);
  // Built on first request, then kept: the declarations are constant. Loaded lazily so start-up
  // does not evaluate a hundred model declarations nobody asked for.
  let document: Promise<JsonSchema> | null = null;

  app.get("/openapi.json", async (c) => {
    document ??= import("../openapi/document.js").then((module) => module.buildOpenApiDocument());
    return c.json(await document);
  });

  app.get("/docs", (c) => c.html(docsPage("launch-local API", "/openapi.json")));

  app.get(`${DOCS_ASSETS}/:name`, async (c) => {
    const found = await asset(c.req.param("name"));
    if (!found) throw routeNotFound();
    return c.body(new Uint8Array(found.body), 200, { "Content-Type": found.contentType, "Cache-Control": "public, max-age=3600" });
  });

  return app;
}
