/**
 * Per-request metrics at the end of each trip (README "Metrics"), measured here because both front
 * doors (the fast lane and hono) and the LLM routes come through the gateway. Each entry point is
 * wrapped only when an observer is given, so with metrics off a trip reads no extra clock at all.
 */
import type { EndpointRecord } from "../domain/endpoint.js";
import type { RawAnswer, RawCall, RawStreamAnswer } from "../domain/gateway-ports.js";
import type { TripKind, TripObserver, TripStatus } from "../domain/observe-ports.js";
import type { PredictResponse } from "../domain/task.js";
import type { StreamPredict } from "./stream-trip.js";
import type { SyncPredict } from "./sync-trip.js";

type Call<A extends unknown[], R> = (endpoint: EndpointRecord, ...rest: A) => Promise<R>;

/** A one-answer entry point, its end reported with the status `statusOf` reads (a throw is a FAILURE). */
function observedCall<A extends unknown[], R>(observer: TripObserver, kind: TripKind, call: Call<A, R>, statusOf: (answer: R) => TripStatus): Call<A, R> {
  return async (endpoint, ...rest) => {
    const startedAt = observer.now();
    let status: TripStatus = "FAILURE";
    try {
      const answer = await call(endpoint, ...rest);
      status = statusOf(answer);
      return answer;
    } finally {
      observer.ended(endpoint, kind, status, startedAt);
    }
  };
}

const predictStatus = (response: PredictResponse): TripStatus => response.status;
const isOk = (status: number): boolean => status >= 200 && status < 300;
const rawStatus = (answer: RawAnswer | RawStreamAnswer): TripStatus =>
  answer.kind === "stream" || (answer.kind === "answer" && isOk(answer.reply.status)) ? "SUCCESS" : "FAILURE";

export const observedSync = (observer: TripObserver, predict: SyncPredict): SyncPredict => observedCall(observer, "sync", predict, predictStatus);

export const observedRaw = <R extends RawAnswer | RawStreamAnswer>(observer: TripObserver, call: Call<[RawCall], R>): Call<[RawCall], R> =>
  observedCall(observer, "raw", call, rawStatus);

/** A stream ends when its consumer is done with it: its last item, a break, or a throw. */
export function observedStream(observer: TripObserver, predict: StreamPredict): StreamPredict {
  return async function* (endpoint, request, raw) {
    const startedAt = observer.now();
    let status: TripStatus = "FAILURE";
    let isFailed = false;
    try {
      for await (const item of predict(endpoint, request, raw)) {
        if (item.status !== "SUCCESS") isFailed = true;
        yield item;
      }
      status = isFailed ? "FAILURE" : "SUCCESS";
    } finally {
      observer.ended(endpoint, "streaming", status, startedAt);
    }
  };
}
