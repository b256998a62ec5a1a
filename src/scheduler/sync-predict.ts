/**
 * Sync predict (server-contract.md §2.3): wait for a worker slot (a cold endpoint is woken, §5.2), call
 * the worker, shape its answer as forwarder + gateway do, and retry 429/503/connection errors within
 * the request's budget.
 */
import type { EndpointRecord } from "../domain/endpoint.js";
import type { PredictRequest, PredictResponse } from "../domain/task.js";
import { forwardModeOf, predictRouteOf, runnableBody, serializeResultsAsString } from "../domain/tasks/forwarding.js";
import { type ExhaustedReason, exhaustedResponse, shapeSyncReply } from "../domain/tasks/forwarding-sync.js";
import type { SchedulerContext } from "./context.js";
import type { Dispatcher } from "./dispatcher.js";
import type { EndpointState, WorkerEntry } from "./endpoint-state.js";
import { RetryBudget } from "./retry-budget.js";
import type { WorkerPool } from "./worker-pool.js";
import { WorkerConnectionError } from "./worker-client.js";

/** aiohttp's default total timeout in the gateway: one call hanging longer is a 408 (§2.3). */
export const SINGLE_CALL_TIMEOUT_MS = 300_000;

export type SyncPredict = (
  endpoint: EndpointRecord,
  request: PredictRequest,
  raw: Record<string, unknown>,
  rawBody?: Uint8Array,
) => Promise<PredictResponse>;

export const hasServingWorker = (state: EndpointState): boolean => {
  for (const worker of state.workers.values()) if (worker.state === "ready") return true;
  return false;
};

export function createSyncPredict(ctx: SchedulerContext, dispatcher: Dispatcher, pool: WorkerPool): SyncPredict {
  const { clock } = ctx.deps;

  /** One call; resolves to the shaped answer or the reason to retry. Throws 400/408 LaunchErrors. */
  async function callOnce(
    state: EndpointState,
    worker: WorkerEntry,
    request: PredictRequest,
    raw: Record<string, unknown>,
    rawBody: Uint8Array | undefined,
  ): Promise<PredictResponse | ExhaustedReason> {
    const { flavor } = worker.generation.bundle;
    const mode = forwardModeOf(flavor);
    // Artifact workers get the whole request (the bytes as received when the caller has them);
    // runnable images only `args` (§4.2).
    const body = mode === "artifact" ? (rawBody ?? JSON.stringify(raw)) : runnableBody(request, rawBody);
    let reply;
    try {
      if (worker.client === null) throw new WorkerConnectionError(`worker ${worker.id} is not serving`);
      reply = await worker.client.post(predictRouteOf(flavor, request.destinationPath), body, SINGLE_CALL_TIMEOUT_MS);
    } catch (error) {
      if (!(error instanceof WorkerConnectionError)) throw error;
      pool.condemn(state, worker, error.message);
      return "connection";
    }
    const asString = mode === "runnable" && serializeResultsAsString(raw, request.args, true);
    const outcome = shapeSyncReply(mode, reply.status, reply.text, asString);
    return outcome.kind === "done" ? outcome.response : outcome.status;
  }

  return async (endpoint, request, raw, rawBody) => {
    if (ctx.isDisposed) return exhaustedResponse(503);
    const state = ctx.stateFor(endpoint.id);
    const budget = new RetryBudget(clock, request, ctx.deps.config.syncTimeoutSeconds);
    for (;;) {
      const worker = dispatcher.tryAcquire(state) ?? (await dispatcher.acquire(state, budget.waitUntil));
      if (worker === null) return budget.exhausted(hasServingWorker(state));
      budget.countAttempt();
      let outcome: PredictResponse | ExhaustedReason;
      try {
        outcome = await callOnce(state, worker, request, raw, rawBody);
      } finally {
        dispatcher.release(state, worker);
      }
      if (typeof outcome === "object") {
        // The sync caller is not known here; the endpoint's creator stands in for user_id (§4.5).
        if (outcome.status === "SUCCESS") ctx.callbacks.send(endpoint, request, outcome.result, null, endpoint.createdBy);
        return outcome;
      }
      // Workers stopped under the request by undeploy/dispose: nothing will come back.
      if (ctx.isDisposed || state.isClosed) return exhaustedResponse(503);
      const delay = budget.nextDelay(outcome);
      if (delay === null) return exhaustedResponse(outcome);
      await clock.sleep(delay);
      if (ctx.isDisposed || state.isClosed) return exhaustedResponse(503);
    }
  };
}
