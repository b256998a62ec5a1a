import { Hono } from "hono";
import { dockerBatchBundleView } from "../../domain/docker-batch/docker-batch-bundle.js";
import type { DockerBatchBundleService } from "../../domain/docker-batch/docker-batch-bundle-service.js";
import type { OrderBy } from "../../domain/ports.js";
import type { HttpEnv } from "../context.js";
import { createDockerBatchBundleSchema } from "../schemas/docker-batch.js";
import { BUNDLE_ORDER_BY } from "../schemas/model-bundles.js";
import { parseBody, parseQuery } from "../validation/parse.js";
import { enumOf, str } from "../validation/schema.js";

const LIST_QUERY = {
  bundle_name: { schema: str(), required: false },
  order_by: { schema: enumOf(BUNDLE_ORDER_BY), required: false },
};
const LATEST_QUERY = { bundle_name: { schema: str(), required: true } };

/**
 * Docker-image batch job bundles (server-contract.md §1 rows 29-32, §2.5). `/latest` is registered
 * before `/{id}`, as in the real router.
 */
export function dockerImageBatchJobBundleRoutes(bundles: DockerBatchBundleService): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  app.post("/v1/docker-image-batch-job-bundles", (c) => {
    const bundle = bundles.create(c.get("user"), parseBody(createDockerBatchBundleSchema, c.get("body")));
    return c.json({ docker_image_batch_job_bundle_id: bundle.id });
  });

  app.get("/v1/docker-image-batch-job-bundles", (c) => {
    const query = parseQuery<{ bundle_name: string | null; order_by: OrderBy | null }>(LIST_QUERY, c.req.query());
    const found = bundles.list(c.get("user"), query.bundle_name, query.order_by);
    return c.json({ docker_image_batch_job_bundles: found.map(dockerBatchBundleView) });
  });

  app.get("/v1/docker-image-batch-job-bundles/latest", (c) => {
    const query = parseQuery<{ bundle_name: string }>(LATEST_QUERY, c.req.query());
    return c.json(dockerBatchBundleView(bundles.latest(c.get("user"), query.bundle_name)));
  });

  app.get("/v1/docker-image-batch-job-bundles/:id", (c) => c.json(dockerBatchBundleView(bundles.get(c.get("user"), c.req.param("id")))));
  return app;
}
