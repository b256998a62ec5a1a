/**
 * The composition root's observing part (ARCHITECTURE.md "Observing"): Prometheus metrics, the
 * dashboard's load history and the dashboard's reads, wired from what instance.ts built.
 */
import type { ResolvedConfig } from "./config/options.js";
import type { Clock } from "./domain/clock.js";
import type { FaultRegistry } from "./domain/control/fault-rules.js";
import { DashboardService, type DashboardServiceDeps } from "./domain/dashboard/dashboard-service.js";
import type { LifecycleEvents } from "./domain/events/lifecycle-events.js";
import type { LoadReader } from "./domain/observe-ports.js";
import type { EndpointRepository } from "./domain/ports.js";
import type { Lifetime } from "./lifetime.js";
import { createLoadHistory, type SampledLoadHistory } from "./metrics/load-history.js";
import { type Metrics, createMetrics } from "./metrics/metrics.js";
import { createDashboardReads } from "./store/dashboard-reads.js";
import type { Db } from "./store/database.js";

export interface Observers {
  metrics: Metrics | null;
  history: SampledLoadHistory;
}

/**
 * Metrics (when on) subscribe to the events from now on and read the scheduler at scrape time; the
 * dashboard's plots sample the same load once a second, with the latency the metrics observe.
 * `scheduler` is read only once it runs (it is built after the gateway hooks these feed).
 */
export function createObservers(
  context: { config: ResolvedConfig; clock: Clock; events: LifecycleEvents; endpoints: EndpointRepository; lifetime: Lifetime },
  scheduler: LoadReader,
): Observers {
  const { config, clock, events, endpoints, lifetime } = context;
  const history = createLoadHistory({ clock, scheduler });
  lifetime.add(() => history.dispose());
  const metrics = config.metrics
    ? createMetrics({ events, scheduler, endpointName: (id) => endpoints.get(id)?.name ?? "", onTrip: (id, ms) => history.recordTrip(id, ms) })
    : null;
  lifetime.add(() => metrics?.dispose());
  return { metrics, history };
}

export function createDashboard(db: Db, deps: Omit<DashboardServiceDeps, "reads" | "faults"> & { faults: FaultRegistry }): DashboardService {
  return new DashboardService({ ...deps, reads: createDashboardReads(db) });
}
