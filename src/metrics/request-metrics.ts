/**
 * Per-request metrics, fed by the gateway's trip observer (gateway/observed-trips.ts) and the LLM
 * routes' token counts. One histogram observation per trip (fast-histogram.ts): its `_count` is the
 * request counter.
 */
import { Counter, type Registry } from "prom-client";
import type { ObservedEndpoint, TokenObserver, TripObserver } from "../domain/observe-ports.js";
import { FastHistogram } from "./fast-histogram.js";

/** Seconds: from a fast local worker (a millisecond) to the gateway's 300 s call limit. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function requestMetrics(
  registry: Registry,
  now: () => number,
  onTrip: (endpointId: string, ms: number) => void,
): { trips: TripObserver; tokens: TokenObserver } {
  const duration = new FastHistogram({
    name: "launch_local_request_duration_seconds",
    help: "Requests to workers, from the gateway taking them to their answer (async: from STARTED to the outcome), by endpoint, kind and status",
    labelNames: ["endpoint", "endpoint_id", "kind", "status"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const tokens = new Counter({
    name: "launch_local_llm_tokens_total",
    help: "Tokens of LLM completions (the engine's usage), by endpoint and type (prompt or completion)",
    labelNames: ["endpoint", "endpoint_id", "type"] as const,
    registers: [registry],
  });
  return {
    trips: {
      now,
      ended(endpoint, kind, status, startedAt) {
        const ms = now() - startedAt;
        const series = duration.seriesOf(`${endpoint.id}\n${kind}\n${status}`, () => ({ endpoint: endpoint.name, endpoint_id: endpoint.id, kind, status }));
        duration.record(series, ms / 1000);
        onTrip(endpoint.id, ms);
      },
    },
    tokens(endpoint: ObservedEndpoint, prompt, completion) {
      if (prompt > 0) tokens.inc({ endpoint: endpoint.name, endpoint_id: endpoint.id, type: "prompt" }, prompt);
      if (completion > 0) tokens.inc({ endpoint: endpoint.name, endpoint_id: endpoint.id, type: "completion" }, completion);
    },
  };
}
