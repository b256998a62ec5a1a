import { Hono } from "hono";
import type { FineTuneService } from "../../domain/fine-tunes/fine-tune-service.js";
import type { HttpEnv } from "../context.js";
import { createFineTuneSchema } from "../schemas/fine-tunes.js";
import { parseBody } from "../validation/parse.js";

/** /v1/llm/fine-tunes (llm-contract.md §1.5, server-contract.md §7.2). */
export function fineTuneRoutes(fineTunes: FineTuneService): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  app.post("/v1/llm/fine-tunes", async (c) => c.json(await fineTunes.create(c.get("user"), parseBody(createFineTuneSchema, c.get("body")))));

  app.get("/v1/llm/fine-tunes", (c) => c.json(fineTunes.list(c.get("user"))));

  app.get("/v1/llm/fine-tunes/:fine_tune_id", (c) => c.json(fineTunes.get(c.get("user"), c.req.param("fine_tune_id"))));

  app.put("/v1/llm/fine-tunes/:fine_tune_id/cancel", async (c) => c.json(await fineTunes.cancel(c.get("user"), c.req.param("fine_tune_id"))));

  app.get("/v1/llm/fine-tunes/:fine_tune_id/events", async (c) => c.json(await fineTunes.events(c.get("user"), c.req.param("fine_tune_id"))));

  return app;
}
