/**
 * The recent load of each endpoint, for the dashboard's plots: the scheduler's load (LoadReader)
 * sampled once a second on the injected clock, with the latency of the requests that ended in
 * between (fed by the trip observer), the last ten minutes kept per endpoint. An endpoint the
 * scheduler no longer knows (undeployed) loses its history at the next sample.
 */
import type { Clock } from "../domain/clock.js";
import type { LoadHistory, LoadReader, LoadSample } from "../domain/observe-ports.js";

export interface LoadHistoryOptions {
  clock: Clock;
  scheduler: LoadReader;
  intervalMs?: number;
  /** Samples kept per endpoint. */
  keep?: number;
}

export interface SampledLoadHistory extends LoadHistory {
  /** A request to the endpoint ended after `ms`. */
  recordTrip(endpointId: string, ms: number): void;
  start(): void;
  /** Stops sampling. Idempotent. */
  dispose(): void;
}

interface Interval {
  count: number;
  sumMs: number;
  maxMs: number;
}

export function createLoadHistory(options: LoadHistoryOptions): SampledLoadHistory {
  const { clock, scheduler } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const keep = options.keep ?? 600;
  const series = new Map<string, LoadSample[]>();
  const pending = new Map<string, Interval>();
  let cancel: (() => void) | null = null;
  let isDisposed = false;

  function sample(): void {
    const at = clock.now();
    const seen = new Set<string>();
    for (const load of scheduler.loads()) {
      seen.add(load.endpointId);
      const trips = pending.get(load.endpointId);
      let samples = series.get(load.endpointId);
      if (samples === undefined) series.set(load.endpointId, (samples = []));
      samples.push({
        at,
        ...load.workers,
        queued: load.queued,
        waiting: load.waiting,
        active: load.active,
        requests: trips?.count ?? 0,
        meanMs: trips === undefined ? null : trips.sumMs / trips.count,
        maxMs: trips === undefined ? null : trips.maxMs,
      });
      if (samples.length > keep) samples.splice(0, samples.length - keep);
    }
    pending.clear();
    for (const endpointId of series.keys()) if (!seen.has(endpointId)) series.delete(endpointId);
  }

  const tick = (): void => {
    cancel = clock.setTimeout(() => {
      cancel = null;
      if (isDisposed) return;
      sample();
      tick();
    }, intervalMs);
  };

  return {
    samples: (endpointId) => [...(series.get(endpointId) ?? [])],
    recordTrip(endpointId, ms) {
      const interval = pending.get(endpointId);
      if (interval === undefined) pending.set(endpointId, { count: 1, sumMs: ms, maxMs: ms });
      else {
        interval.count++;
        interval.sumMs += ms;
        if (ms > interval.maxMs) interval.maxMs = ms;
      }
    },
    start() {
      if (cancel === null && !isDisposed) tick();
    },
    dispose() {
      isDisposed = true;
      cancel?.();
      cancel = null;
    },
  };
}
