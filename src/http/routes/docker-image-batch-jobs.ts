import { Hono } from "hono";
import { dockerBatchJobView } from "../../domain/docker-batch/docker-batch-job.js";
import type { DockerBatchJobService } from "../../domain/docker-batch/docker-batch-job-service.js";
import type { HttpEnv } from "../context.js";
import { createDockerBatchJobSchema, updateDockerBatchJobSchema } from "../schemas/docker-batch.js";
import { parseBody, parseQuery } from "../validation/parse.js";
import { str } from "../validation/schema.js";

const LIST_QUERY = { trigger_id: { schema: str(), required: false } };

/**
 * Docker-image batch jobs (server-contract.md §1 rows 33-36, §2.5, §3.3), plus the emulator-only
 * `GET /_launch_local/docker-image-batch-jobs/{id}/logs` (the job's output lines and, for a failed
 * job, why it failed).
 */
export function dockerImageBatchJobRoutes(jobs: DockerBatchJobService): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  app.post("/v1/docker-image-batch-jobs", async (c) => {
    const job = await jobs.create(c.get("user"), parseBody(createDockerBatchJobSchema, c.get("body")));
    return c.json({ job_id: job.id });
  });

  app.get("/v1/docker-image-batch-jobs", (c) => {
    const query = parseQuery<{ trigger_id: string | null }>(LIST_QUERY, c.req.query());
    return c.json({ jobs: jobs.list(c.get("user"), query.trigger_id).map(dockerBatchJobView) });
  });

  app.get("/v1/docker-image-batch-jobs/:id", (c) => c.json({ status: jobs.status(c.get("user"), c.req.param("id")) }));

  app.put("/v1/docker-image-batch-jobs/:id", async (c) => {
    const request = parseBody(updateDockerBatchJobSchema, c.get("body"));
    return c.json({ success: await jobs.update(c.get("user"), c.req.param("id"), request.cancel) });
  });

  app.get("/_launch_local/docker-image-batch-jobs/:id/logs", (c) => {
    const { job, lines } = jobs.withLogs(c.get("user"), c.req.param("id"));
    return c.json({ id: job.id, status: job.status, status_reason: job.statusReason, lines });
  });
  return app;
}
