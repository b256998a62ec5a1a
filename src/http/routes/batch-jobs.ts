import { Hono } from "hono";
import type { HttpEnv } from "../context.js";
import { createBatchJobSchema, updateBatchJobSchema } from "../schemas/batch-jobs.js";
import type { Services } from "../services.js";
import { parseBody } from "../validation/parse.js";

/** v1 batch jobs (server-contract.md §1 rows 26-28, §2.4). */
export function batchJobRoutes(services: Pick<Services, "batchJobs">): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const batchJobs = services.batchJobs;

  app.post("/v1/batch-jobs", async (c) => c.json(await batchJobs.create(c.get("user"), parseBody(createBatchJobSchema, c.get("body")))));

  app.get("/v1/batch-jobs/:batch_job_id", (c) => c.json(batchJobs.get(c.get("user"), c.req.param("batch_job_id"))));

  app.put("/v1/batch-jobs/:batch_job_id", async (c) => {
    const { cancel } = parseBody(updateBatchJobSchema, c.get("body"));
    return c.json(await batchJobs.update(c.get("user"), c.req.param("batch_job_id"), cancel));
  });

  return app;
}
