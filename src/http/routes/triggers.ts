import { Hono } from "hono";
import { triggerView } from "../../domain/triggers/trigger.js";
import type { TriggerService } from "../../domain/triggers/trigger-service.js";
import type { HttpEnv } from "../context.js";
import { createTriggerSchema, updateTriggerSchema } from "../schemas/triggers.js";
import { parseBody } from "../validation/parse.js";

/** Triggers (server-contract.md §1 rows 37-41, §2.6). */
export function triggerRoutes(triggers: TriggerService): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  app.post("/v1/triggers", async (c) => {
    const trigger = await triggers.create(c.get("user"), parseBody(createTriggerSchema, c.get("body")));
    return c.json({ trigger_id: trigger.id });
  });

  app.get("/v1/triggers", (c) => c.json({ triggers: triggers.list(c.get("user")).map(triggerView) }));

  app.get("/v1/triggers/:id", (c) => c.json(triggerView(triggers.get(c.get("user"), c.req.param("id")))));

  app.put("/v1/triggers/:id", (c) => {
    const request = parseBody(updateTriggerSchema, c.get("body"));
    return c.json({ success: triggers.update(c.get("user"), c.req.param("id"), request) });
  });

  app.delete("/v1/triggers/:id", (c) => c.json({ success: triggers.delete(c.get("user"), c.req.param("id")) }));
  return app;
}
