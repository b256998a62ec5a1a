import { Hono } from "hono";
import type { LlmCompletionsV1 } from "../../domain/llm/llm-completions-v1.js";
import type { LlmCompletionsV2 } from "../../domain/llm/llm-completions-v2.js";
import type { HttpEnv } from "../context.js";
import { chatCompletionV2Schema, completionV1Schema, completionV2Schema } from "../schemas/llm-completions.js";
import type { Services } from "../services.js";
import { eventStreamResponse, nodeConnectionAbort, nodeOutgoing } from "../sse-response.js";
import { parseBody, parseQuery } from "../validation/parse.js";
import { str } from "../validation/schema.js";

export interface LlmCompletionRouteOptions {
  /** sse-starlette's ping period (15 s); tests shorten it. */
  pingIntervalMs?: number;
}

/**
 * The LLM completion routes (llm-contract.md §1.2–§1.4): v1 completions mapped onto the engine and
 * back, v2 passed through. Streams are sse-starlette's framing, without `[DONE]`.
 */
export function llmCompletionRoutes(
  v1: LlmCompletionsV1,
  v2: LlmCompletionsV2,
  services: Pick<Services, "now" | "logger">,
  options: LlmCompletionRouteOptions = {},
): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const pingIntervalMs = options.pingIntervalMs ?? 15_000;
  const endpointName = (query: Record<string, string | undefined>): string =>
    parseQuery<{ model_endpoint_name: string }>({ model_endpoint_name: { schema: str(), required: true } }, query).model_endpoint_name;
  const sse = <T>(c: { env: unknown }, events: AsyncIterable<T>, route: string) =>
    eventStreamResponse(events, (event) => JSON.stringify(event), {
      pingIntervalMs,
      now: () => services.now(),
      abortConnection: nodeConnectionAbort(c.env),
      outgoing: nodeOutgoing(c.env),
      onError: (error) => services.logger.warn(`${route} aborted mid-stream`, { error: error instanceof Error ? error.message : String(error) }),
    });

  app.post("/v1/llm/completions-sync", async (c) => {
    const name = endpointName(c.req.query());
    return c.json(await v1.sync(c.get("user"), name, parseBody(completionV1Schema, c.get("body"))));
  });

  app.post("/v1/llm/completions-stream", (c) => {
    const name = endpointName(c.req.query());
    return sse(c, v1.stream(c.get("user"), name, parseBody(completionV1Schema, c.get("body"))), "completions-stream");
  });

  // One handler per kind: the body is validated for the 422s, then forwarded as sent (the engine reads it).
  for (const [path, kind, schema] of [
    ["/v2/chat/completions", "chat", chatCompletionV2Schema],
    ["/v2/completions", "completion", completionV2Schema],
  ] as const) {
    app.post(path, async (c) => {
      const body = c.get("body");
      const request = parseBody<{ stream: boolean }>(schema, body);
      const raw = typeof body === "object" && body !== null && !Array.isArray(body) ? { ...body } : {};
      if (!request.stream) return c.json(await v2.sync(c.get("user"), kind, raw));
      return sse(c, await v2.stream(c.get("user"), kind, raw), `v2 ${kind} stream`);
    });
  }

  return app;
}
