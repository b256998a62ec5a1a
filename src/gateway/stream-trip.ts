/**
 * Streaming predict (server-contract.md §2.3 streaming-tasks, §4.2, §4.6): the same trip as sync
 * (trip.ts) until a worker answers 200; its SSE events then become one SUCCESS item each, while the
 * slot stays held. Any other answer is one FAILURE item (a 400 throws). The slot is released when
 * the stream ends, breaks, or its consumer stops early.
 */
import type { EndpointRecord } from "../domain/endpoint.js";
import { SystemError } from "../domain/errors.js";
import type { WorkerLease, WorkerStream } from "../domain/gateway-ports.js";
import type { PredictRequest, PredictResponse } from "../domain/task.js";
import { runnableBody, serializeResultsAsString, streamRouteOf } from "./forwarding.js";
import { SseReader } from "./forwarding-sse.js";
import { shapeStreamFailure, streamEvent } from "./forwarding-stream.js";
import { exhaustedResponse, refusedResponse } from "./forwarding-sync.js";
import { type Attempt, type TripDeps, openStreamTo, readAll, tripToWorker } from "./trip.js";

export type StreamPredict = (endpoint: EndpointRecord, request: PredictRequest, raw: Record<string, unknown>) => AsyncGenerator<PredictResponse>;

/** A worker's answer: its stream (200, slot still held) or one final item. */
type Opened = { kind: "stream"; stream: WorkerStream; lease: WorkerLease } | { kind: "item"; item: PredictResponse };

export function createStreamTrip(deps: TripDeps): StreamPredict {
  async function attempt(lease: WorkerLease, request: PredictRequest, body: string): Promise<Attempt<Opened>> {
    const stream = await openStreamTo(lease, streamRouteOf(lease.bundle.flavor, request.destinationPath), body);
    if (stream === "connection") return { kind: "retry", reason: "connection" };
    if (stream.status === 200) return { kind: "done", value: { kind: "stream", stream, lease }, keepsLease: true };
    let text: string;
    try {
      text = await readAll(stream);
    } finally {
      stream.close();
    }
    const outcome = shapeStreamFailure(stream.status, text);
    return outcome.kind === "done" ? { kind: "done", value: { kind: "item", item: outcome.response } } : { kind: "retry", reason: outcome.status };
  }

  return async function* predictStream(endpoint, request, raw) {
    // The stream forwarder does not wrap results as strings unless the payload asks (§4.2).
    const asString = serializeResultsAsString(raw, request.args, false);
    const body = runnableBody(request);
    const end = await tripToWorker(deps, endpoint.id, request, (lease) => attempt(lease, request, body));
    if (end.kind !== "done") {
      yield end.kind === "exhausted" ? exhaustedResponse(end.reason) : refusedResponse(end.statusReason);
      return;
    }
    const opened = end.value;
    if (opened.kind === "item") {
      yield opened.item;
      return;
    }
    const { stream, lease } = opened;
    try {
      const reader = new SseReader();
      for await (const chunk of stream.text) {
        for (const data of reader.push(chunk)) yield streamEvent(data, asString);
      }
      // The real gateway's stream aborts when the upstream connection breaks mid-stream.
      if (!stream.isComplete) throw new SystemError(`worker ${lease.workerId} dropped the stream`);
    } finally {
      stream.close();
      lease.release();
    }
  };
}
