/**
 * Counters and histograms fed by the lifecycle events (domain/events/): task outcomes, worker starts
 * and failures, batch rows, builds. Each listener does a map lookup or two and one observation.
 */
import { Counter, Histogram, type Registry } from "prom-client";
import type { LifecycleEvents } from "../domain/events/lifecycle-events.js";
import { LATENCY_BUCKETS } from "./request-metrics.js";

const TERMINAL_TASK = new Set(["SUCCESS", "FAILURE", "UNDEFINED"]);
const ACTIVE_JOB = new Set(["PENDING", "RUNNING"]);
/** Seconds: a worker start or a build, from a cached environment to a long image build. */
const START_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export function lifecycleMetrics(registry: Registry, events: LifecycleEvents, nameOf: (endpointId: string) => string): () => void {
  const registers = [registry];
  const tasks = new Counter({
    name: "launch_local_tasks_total",
    help: "Tasks that reached an outcome, by endpoint, kind (sync, streaming, async, batch) and status",
    labelNames: ["endpoint", "endpoint_id", "kind", "status"] as const,
    registers,
  });
  const taskDuration = new Histogram({
    name: "launch_local_task_duration_seconds",
    help: "Tasks from creation to outcome (async and batch: the queue included), by kind and status",
    labelNames: ["kind", "status"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const starts = new Counter({
    name: "launch_local_worker_starts_total",
    help: "Worker starts that ended, by endpoint and outcome (ready or failed)",
    labelNames: ["endpoint", "endpoint_id", "outcome"] as const,
    registers,
  });
  const startDuration = new Histogram({
    name: "launch_local_worker_start_duration_seconds",
    help: "Worker starts, from asking the runtime to the worker answering its health route, by endpoint",
    labelNames: ["endpoint", "endpoint_id"] as const,
    buckets: START_BUCKETS,
    registers,
  });
  const failures = new Counter({
    name: "launch_local_worker_failures_total",
    help: "Workers lost, by endpoint and phase (start: never became ready; serving: exited unexpectedly)",
    labelNames: ["endpoint", "endpoint_id", "phase"] as const,
    registers,
  });
  const rows = new Counter({ name: "launch_local_batch_rows_total", help: "Rows of batch jobs that reached an outcome", registers });
  const jobs = new Counter({ name: "launch_local_batch_jobs_total", help: "Batch jobs that ended, by status", labelNames: ["status"] as const, registers });
  const builds = new Histogram({
    name: "launch_local_build_duration_seconds",
    help: "Endpoint environments made ready (a virtualenv or an image, cached ones included), by kind and status (ok or failed)",
    labelNames: ["kind", "status"] as const,
    buckets: START_BUCKETS,
    registers,
  });

  /** Workers seen ready (a later failure is a crash, not a failed start). */
  const served = new Set<string>();
  /** Rows done so far per running batch job (the events carry totals, the counter wants steps). */
  const rowsDone = new Map<string, number>();
  /** Jobs whose end was counted (a job announces its final status once, but a resumed one may again). */
  const ended = new Set<string>();

  const unsubscribe = [
    events.on("task", (event) => {
      if (!TERMINAL_TASK.has(event.to)) return;
      tasks.inc({ endpoint: nameOf(event.endpointId), endpoint_id: event.endpointId, kind: event.kind, status: event.to });
      if (event.durationMs !== undefined) taskDuration.observe({ kind: event.kind, status: event.to }, event.durationMs / 1000);
    }),
    events.on("worker", (event) => {
      const labels = { endpoint: nameOf(event.endpointId), endpoint_id: event.endpointId };
      if (event.state === "ready") {
        served.add(event.workerId);
        starts.inc({ ...labels, outcome: "ready" });
        if (event.startMs !== undefined) startDuration.observe(labels, event.startMs / 1000);
      } else if (event.state === "failed") {
        const hasServed = served.delete(event.workerId);
        if (!hasServed) starts.inc({ ...labels, outcome: "failed" });
        failures.inc({ ...labels, phase: hasServed ? "serving" : "start" });
      } else if (event.state === "stopped") served.delete(event.workerId);
    }),
    events.on("batch-job", (event) => {
      if (ended.has(event.jobId)) return;
      const before = rowsDone.get(event.jobId) ?? 0;
      if (event.rowsDone > before) rows.inc(event.rowsDone - before);
      if (ACTIVE_JOB.has(event.status)) {
        rowsDone.set(event.jobId, Math.max(before, event.rowsDone));
        return;
      }
      rowsDone.delete(event.jobId);
      ended.add(event.jobId);
      jobs.inc({ status: event.status });
    }),
    events.on("build", (event) => {
      builds.observe({ kind: event.kind, status: event.ok ? "ok" : "failed" }, event.durationMs / 1000);
    }),
  ];
  return () => {
    for (const off of unsubscribe) off();
  };
}
