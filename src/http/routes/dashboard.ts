import { type Context, Hono } from "hono";
import type { DashboardService } from "../../domain/dashboard/dashboard-service.js";
import { routeNotFound } from "../../domain/errors.js";
import type { HttpEnv } from "../context.js";
import { type StaticAsset, dependencyAssets, staticAssets } from "../static-assets.js";

export const DASHBOARD_ASSETS = "/_launch_local/static/ui";

/**
 * The dashboard page (README "Dashboard") at `/` and `/_launch_local/ui`, and its script, style and
 * uPlot, all from the package: no credentials, as /docs; the page asks for them and every JSON it
 * reads (below, and the control API) answers per owner.
 */
export function dashboardPageRoutes(): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const own = staticAssets("ui", ["index.html", "dashboard.js", "dashboard.css", "faults.js", "plots.js", "render.js", "rows.js", "session.js"]);
  const vendor = dependencyAssets({ "uPlot.iife.min.js": "uplot/dist/uPlot.iife.min.js", "uPlot.min.css": "uplot/dist/uPlot.min.css" });
  const send = (c: Context<HttpEnv>, found: StaticAsset | null, cache: string) => {
    if (!found) throw routeNotFound();
    return c.body(new Uint8Array(found.body), 200, { "Content-Type": found.contentType, "Cache-Control": cache });
  };

  for (const path of ["/", "/_launch_local/ui"]) app.get(path, async (c) => send(c, await own("index.html"), "no-cache"));
  app.get(`${DASHBOARD_ASSETS}/:name`, async (c) => {
    const name = c.req.param("name");
    return send(c, (await own(name)) ?? (await vendor(name)), "no-cache");
  });
  return app;
}

/** The JSON the page reads: the caller's objects only (§0.4). */
export function dashboardRoutes(dashboard: DashboardService): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get("/_launch_local/ui/state", (c) => c.json(dashboard.state(c.get("user"))));
  app.get("/_launch_local/ui/endpoints/:endpoint_id/series", (c) => c.json(dashboard.series(c.get("user"), c.req.param("endpoint_id"))));
  return app;
}
