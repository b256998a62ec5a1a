import { Hono } from "hono";
import type { BatchCompletionService } from "../../domain/batch-completions/batch-completion-service.js";
import type { HttpEnv } from "../context.js";
import { createBatchCompletionsV1Schema, createBatchCompletionsV2Schema, updateBatchCompletionsV2Schema } from "../schemas/batch-completions.js";
import { parseBody } from "../validation/parse.js";

/** Batch completions (llm-contract.md §1.6, server-contract.md §7.3–§7.4). */
export function batchCompletionRoutes(batches: BatchCompletionService): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  app.post("/v1/llm/batch-completions", async (c) => c.json(await batches.createV1(c.get("user"), parseBody(createBatchCompletionsV1Schema, c.get("body")))));

  app.post("/v2/batch-completions", async (c) => c.json(await batches.createV2(c.get("user"), parseBody(createBatchCompletionsV2Schema, c.get("body")))));

  app.get("/v2/batch-completions/:batch_completion_id", (c) => c.json(batches.get(c.get("user"), c.req.param("batch_completion_id"))));

  app.post("/v2/batch-completions/:batch_completion_id", (c) => {
    const request = parseBody(updateBatchCompletionsV2Schema, c.get("body"));
    return c.json(batches.update(c.get("user"), c.req.param("batch_completion_id"), request.priority));
  });

  app.post("/v2/batch-completions/:batch_completion_id/actions/cancel", async (c) =>
    c.json(await batches.cancel(c.get("user"), c.req.param("batch_completion_id"))),
  );

  return app;
}
