import { Hono } from "hono";
import type { BundleRecord } from "../../domain/bundle.js";
import { bundleV1View, bundleV2View } from "../../domain/bundles/bundle-views.js";
import type { OrderBy } from "../../domain/ports.js";
import type { HttpEnv } from "../context.js";
import { BUNDLE_ORDER_BY, cloneBundleSchema, createBundleV1Schema, createBundleV2Schema } from "../schemas/model-bundles.js";
import { parseBody, parseQuery } from "../validation/parse.js";
import { enumOf, str } from "../validation/schema.js";
import type { Services } from "../services.js";

const LIST_QUERY = {
  model_name: { schema: str(), required: false },
  order_by: { schema: enumOf(BUNDLE_ORDER_BY), required: false },
};
const LATEST_QUERY = { model_name: { schema: str(), required: true } };

/** The two API versions serve the same records through different views (§2.1). */
const VERSIONS: { path: string; view: (bundle: BundleRecord) => unknown }[] = [
  { path: "/v1/model-bundles", view: bundleV1View },
  { path: "/v2/model-bundles", view: bundleV2View },
];

/**
 * /v1 and /v2 model bundles (server-contract.md §1 rows 4-13, §2.1). `/latest` and
 * `/clone-with-changes` are registered before `/{model_bundle_id}`, as in the real router, so no
 * bundle can be fetched by the id "latest".
 */
export function modelBundleRoutes(services: Services): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const bundles = services.bundles;

  app.post("/v1/model-bundles", (c) => {
    const bundle = bundles.createV1(c.get("user"), parseBody(createBundleV1Schema, c.get("body")));
    return c.json({ model_bundle_id: bundle.id });
  });

  app.post("/v2/model-bundles", (c) => {
    const bundle = bundles.createV2(c.get("user"), parseBody(createBundleV2Schema, c.get("body")));
    return c.json({ model_bundle_id: bundle.id });
  });

  for (const { path, view } of VERSIONS) {
    app.get(path, (c) => {
      const query = parseQuery<{ model_name: string | null; order_by: OrderBy | null }>(LIST_QUERY, c.req.query());
      const found = bundles.list(c.get("user"), query.model_name, query.order_by);
      return c.json({ model_bundles: found.map(view) });
    });

    app.post(`${path}/clone-with-changes`, (c) => {
      const request = parseBody(cloneBundleSchema, c.get("body"));
      const bundle = bundles.clone(c.get("user"), request.original_model_bundle_id, request.new_app_config);
      return c.json({ model_bundle_id: bundle.id });
    });

    app.get(`${path}/latest`, (c) => {
      const query = parseQuery<{ model_name: string }>(LATEST_QUERY, c.req.query());
      return c.json(view(bundles.latest(c.get("user"), query.model_name)));
    });

    app.get(`${path}/:model_bundle_id`, (c) => c.json(view(bundles.get(c.get("user"), c.req.param("model_bundle_id")))));
  }
  return app;
}
