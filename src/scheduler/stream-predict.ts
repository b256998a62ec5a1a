/**
 * Streaming predict (server-contract.md §2.3 streaming-tasks, §4.2, §4.6): same slot wait and retry
 * budget as sync; a 200 upstream is read as SSE and each event becomes one SUCCESS item; anything
 * else one FAILURE item (a 400 throws). The slot is released when the consumer stops early.
 */
import type { IncomingMessage } from "node:http";
import type { EndpointRecord } from "../domain/endpoint.js";
import { SystemError } from "../domain/errors.js";
import type { PredictRequest, PredictResponse } from "../domain/task.js";
import { runnableBody, serializeResultsAsString, streamRouteOf } from "../domain/tasks/forwarding.js";
import { SseReader } from "../domain/tasks/forwarding-sse.js";
import { shapeStreamFailure, streamEvent } from "../domain/tasks/forwarding-stream.js";
import { type ExhaustedReason, exhaustedResponse } from "../domain/tasks/forwarding-sync.js";
import type { SchedulerContext } from "./context.js";
import type { Dispatcher } from "./dispatcher.js";
import { RetryBudget } from "./retry-budget.js";
import { SINGLE_CALL_TIMEOUT_MS, hasServingWorker } from "./sync-predict.js";
import type { WorkerPool } from "./worker-pool.js";
import { WorkerConnectionError } from "./worker-client.js";

export type StreamPredict = (endpoint: EndpointRecord, request: PredictRequest, raw: Record<string, unknown>) => AsyncGenerator<PredictResponse>;

async function readAll(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  const source: AsyncIterable<unknown> = response;
  for await (const chunk of source) if (Buffer.isBuffer(chunk)) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

export function createStreamPredict(ctx: SchedulerContext, dispatcher: Dispatcher, pool: WorkerPool): StreamPredict {
  const { clock } = ctx.deps;

  return async function* predictStream(endpoint, request, raw) {
    if (ctx.isDisposed) return;
    const state = ctx.stateFor(endpoint.id);
    const budget = new RetryBudget(clock, request, ctx.deps.config.syncTimeoutSeconds);
    // The stream forwarder does not wrap results as strings unless the payload asks (§4.2).
    const asString = serializeResultsAsString(raw, request.args, false);
    const body = runnableBody(request);
    for (;;) {
      const worker = await dispatcher.acquire(state, budget.waitUntil);
      if (worker === null) {
        yield budget.exhausted(hasServingWorker(state));
        return;
      }
      budget.countAttempt();
      let retry: ExhaustedReason | null = null;
      let upstream: IncomingMessage | null = null;
      try {
        try {
          if (worker.client === null) throw new WorkerConnectionError(`worker ${worker.id} is not serving`);
          const opened = await worker.client.openStream(streamRouteOf(worker.generation.bundle.flavor, request.destinationPath), body, SINGLE_CALL_TIMEOUT_MS);
          upstream = opened.response;
          if (opened.status !== 200) {
            const outcome = shapeStreamFailure(opened.status, await readAll(upstream));
            if (outcome.kind === "done") {
              yield outcome.response;
              return;
            }
            retry = outcome.status;
          }
        } catch (error) {
          if (!(error instanceof WorkerConnectionError)) throw error;
          pool.condemn(state, worker, error.message);
          retry = "connection";
        }
        if (retry === null && upstream !== null) {
          const reader = new SseReader();
          upstream.setEncoding("utf8");
          const chunks: AsyncIterable<unknown> = upstream;
          for await (const chunk of chunks) {
            if (typeof chunk !== "string") continue;
            for (const data of reader.push(chunk)) yield streamEvent(data, asString);
          }
          // The real gateway's stream aborts when the upstream connection breaks mid-stream.
          if (!upstream.complete) throw new SystemError(`worker ${worker.id} dropped the stream`);
          return;
        }
      } finally {
        if (upstream !== null && !upstream.complete) upstream.destroy();
        dispatcher.release(state, worker);
      }
      if (ctx.isDisposed || state.isClosed) {
        yield exhaustedResponse(503);
        return;
      }
      const reason = retry ?? "other";
      const delay = budget.nextDelay(reason);
      if (delay === null) {
        yield exhaustedResponse(reason);
        return;
      }
      await clock.sleep(delay);
      if (ctx.isDisposed || state.isClosed) {
        yield exhaustedResponse(503);
        return;
      }
    }
  };
}
