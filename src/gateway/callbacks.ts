/**
 * The `callback` post-inference hook (server-contract.md §4.5): when an endpoint lists it, every
 * inference answer is POSTed to the request's `callback_url`, else the endpoint's
 * `default_callback_url`, as the forwarder's response object plus `task_id` (the async task id; null
 * for sync). Auth: a `basic` callback_auth (request, else endpoint default) as HTTP Basic; otherwise
 * (none, or mtls, which launch-local cannot present) Basic(user_id, ""). Up to 3 attempts with
 * exponential back-off; success is any 2xx; failures are only logged, as on the real platform.
 */
import type { Clock } from "../domain/clock.js";
import type { EndpointRecord } from "../domain/endpoint.js";
import type { Logger } from "../domain/logger.js";
import type { PredictRequest } from "../domain/task.js";

const ATTEMPTS = 3;
const FIRST_BACKOFF_MS = 500;
const ATTEMPT_TIMEOUT_MS = 10_000;

export interface CallbackSender {
  /** Fire and forget: never throws, never delays the task it reports. */
  send(endpoint: EndpointRecord, request: PredictRequest, response: unknown, taskId: string | null, userId: string): void;
}

export interface CallbackDeps {
  clock: Clock;
  logger: Logger;
  fetchImpl?: typeof fetch;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The Authorization header for a callback: basic credentials when given, else the user's name. */
export function callbackAuthorization(auth: unknown, userId: string): string {
  const basic =
    isRecord(auth) && auth["kind"] === "basic" && typeof auth["username"] === "string" && typeof auth["password"] === "string"
      ? `${auth["username"]}:${auth["password"]}`
      : `${userId}:`;
  return `Basic ${Buffer.from(basic).toString("base64")}`;
}

export function createCallbackSender(deps: CallbackDeps): CallbackSender {
  const post = deps.fetchImpl ?? fetch;

  async function deliver(url: string, authorization: string, body: string): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const response = await post(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization },
          body,
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        });
        await response.arrayBuffer();
        if (response.ok) return;
        deps.logger.warn("callback answered an error", { url, status: response.status, attempt });
      } catch (error) {
        deps.logger.warn("callback failed", { url, attempt, error: error instanceof Error ? error.message : String(error) });
      }
      if (attempt < ATTEMPTS) await deps.clock.sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 1));
    }
  }

  return {
    send(endpoint, request, response, taskId, userId) {
      if (!endpoint.postInferenceHooks?.includes("callback")) return;
      const url = request.callbackUrl ?? endpoint.defaultCallbackUrl;
      if (url === null) return;
      const authorization = callbackAuthorization(request.callbackAuth ?? endpoint.defaultCallbackAuth, userId);
      const body = JSON.stringify({ ...(isRecord(response) ? response : { result: response }), task_id: taskId });
      void deliver(url, authorization, body).catch((error: unknown) => deps.logger.warn("callback delivery crashed", { error: String(error) }));
    },
  };
}
