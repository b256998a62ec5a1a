/**
 * Gauges read from the scheduler when Prometheus scrapes (LoadReader), not kept up to date on every
 * change: queues, slots and workers move on every request, a scrape comes every few seconds.
 */
import { Gauge, type Registry } from "prom-client";
import type { LoadReader } from "../domain/observe-ports.js";

export function loadGauges(registry: Registry, scheduler: LoadReader, nameOf: (endpointId: string) => string): void {
  const labelNames = ["endpoint", "endpoint_id"] as const;
  const queued = new Gauge({
    name: "launch_local_queue_depth",
    help: "Async tasks waiting for a worker slot, by endpoint",
    labelNames,
    registers: [registry],
    // One collect fills all four gauges, on the first one a scrape reads: the scheduler is read once.
    collect() {
      for (const gauge of [queued, waiting, active, workers]) gauge.reset();
      for (const load of scheduler.loads()) {
        const labels = { endpoint: nameOf(load.endpointId), endpoint_id: load.endpointId };
        queued.set(labels, load.queued);
        waiting.set(labels, load.waiting);
        active.set(labels, load.active);
        for (const [state, count] of Object.entries(load.workers)) workers.set({ ...labels, state }, count);
      }
    },
  });
  const waiting = new Gauge({
    name: "launch_local_requests_waiting",
    help: "Sync and streaming requests waiting for a worker slot, by endpoint",
    labelNames,
    registers: [registry],
  });
  const active = new Gauge({ name: "launch_local_requests_in_flight", help: "Calls holding a worker slot, by endpoint", labelNames, registers: [registry] });
  const workers = new Gauge({
    name: "launch_local_workers",
    help: "Workers by endpoint and state (starting, ready, stopping)",
    labelNames: ["endpoint", "endpoint_id", "state"] as const,
    registers: [registry],
  });
}
