/**
 * What metrics and the dashboard read from the other layers (ARCHITECTURE.md "Observing"): the
 * gateway reports each trip's end through `TripObserver` (per-request latency, where both front doors
 * pass), the LLM routes their token counts, and the scheduler answers `LoadReader` at scrape time
 * (queues, slots, workers) instead of announcing every change.
 */

/** How a request reached a worker: a sync or streaming predict, an async task, or a raw worker call. */
export type TripKind = "sync" | "streaming" | "async" | "raw";

/** The outcome of one trip, as its caller saw it. */
export type TripStatus = "SUCCESS" | "FAILURE";

/** The endpoint a trip went to (the record the gateway has at hand). */
export interface ObservedEndpoint {
  readonly id: string;
  readonly name: string;
}

/**
 * The gateway's hook at the end of each trip. Absent when metrics are off: the gateway then skips
 * even reading the clock. `now` is a monotonic millisecond clock.
 */
export interface TripObserver {
  now(): number;
  ended(endpoint: ObservedEndpoint, kind: TripKind, status: TripStatus, startedAt: number): void;
}

/** The LLM routes' token counts of one answer (the engine's `usage`). */
export type TokenObserver = (endpoint: ObservedEndpoint, promptTokens: number, completionTokens: number) => void;

/** One endpoint's load in the scheduler right now. */
export interface EndpointLoad {
  endpointId: string;
  /** Async tasks waiting for a slot (num_queued_items). */
  queued: number;
  /** Sync and streaming requests waiting for a slot. */
  waiting: number;
  /** Calls holding a worker slot. */
  active: number;
  workers: { starting: number; ready: number; stopping: number };
}

export interface LoadReader {
  /** Every endpoint the scheduler knows, deployed or with work waiting. */
  loads(): EndpointLoad[];
}

/** The metrics in Prometheus's text format (src/metrics/), for GET /metrics. */
export interface MetricsExposition {
  readonly contentType: string;
  render(): Promise<string>;
}

/** One endpoint's load at one moment, with the requests that ended since the sample before it. */
export interface LoadSample {
  /** Clock ms. */
  at: number;
  ready: number;
  starting: number;
  stopping: number;
  queued: number;
  waiting: number;
  active: number;
  /** Requests that ended in the interval, and their mean and slowest latency (null: none ended). */
  requests: number;
  meanMs: number | null;
  maxMs: number | null;
}

/** The recent load of each endpoint, sampled at a fixed interval (src/metrics/load-history.ts). */
export interface LoadHistory {
  /** Oldest first; empty for an endpoint the scheduler does not know. */
  samples(endpointId: string): LoadSample[];
}
