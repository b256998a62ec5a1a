/**
 * Prometheus metrics (README "Metrics"): one registry per instance (two instances in one process
 * keep theirs apart), fed by the gateway's trip observer, the LLM token counts, the lifecycle events,
 * and the scheduler's load read at scrape time; a few process metrics come with them.
 */
import { performance } from "node:perf_hooks";
import { Registry } from "prom-client";
import type { LifecycleEvents } from "../domain/events/lifecycle-events.js";
import type { LoadReader, TokenObserver, TripObserver } from "../domain/observe-ports.js";
import { lifecycleMetrics } from "./lifecycle-metrics.js";
import { loadGauges } from "./load-gauges.js";
import { processMetrics } from "./process-metrics.js";
import { requestMetrics } from "./request-metrics.js";

export interface MetricsDeps {
  events: LifecycleEvents;
  scheduler: LoadReader;
  /** The endpoint's name for the `endpoint` label (an id that is gone reads as ""). */
  endpointName(endpointId: string): string;
  /** Also told of each request's latency (the dashboard's load history). */
  onTrip?: (endpointId: string, ms: number) => void;
}

export interface Metrics {
  readonly contentType: string;
  /** The text exposition format of every metric now. */
  render(): Promise<string>;
  readonly trips: TripObserver;
  readonly tokens: TokenObserver;
  /** Stops listening to the events. Idempotent. */
  dispose(): void;
}

export function createMetrics(deps: MetricsDeps): Metrics {
  const registry = new Registry();
  processMetrics(registry);
  const { trips, tokens } = requestMetrics(registry, () => performance.now(), deps.onTrip ?? (() => {}));
  loadGauges(registry, deps.scheduler, deps.endpointName);
  let unsubscribe: (() => void) | null = lifecycleMetrics(registry, deps.events, deps.endpointName);
  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    trips,
    tokens,
    dispose() {
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
