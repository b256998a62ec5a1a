import { describe, expect, it } from "vitest";
import { LifecycleEvents } from "../../../src/domain/events/lifecycle-events.js";
import type { EndpointLoad } from "../../../src/domain/observe-ports.js";
import { createMetrics } from "../../../src/metrics/metrics.js";

/** The value of one sample line `name{labels} value`, or undefined when the text has none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const hasAll = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (hasAll) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

function setup(loads: EndpointLoad[] = []) {
  const events = new LifecycleEvents();
  const names: Record<string, string> = { "end-1": "echo" };
  const metrics = createMetrics({ events, scheduler: { loads: () => loads }, endpointName: (id) => names[id] ?? "" });
  return { events, metrics };
}

const at = 0;

describe("metrics", () => {
  it("counts trips with their latency by endpoint, kind and status", async () => {
    const { metrics } = setup();
    const endpoint = { id: "end-1", name: "echo" };
    metrics.trips.ended(endpoint, "sync", "SUCCESS", metrics.trips.now());
    metrics.trips.ended(endpoint, "sync", "SUCCESS", metrics.trips.now() - 40);
    metrics.trips.ended(endpoint, "streaming", "FAILURE", metrics.trips.now());
    metrics.tokens(endpoint, 5, 7);
    const text = await metrics.render();
    const sync = { endpoint: "echo", endpoint_id: "end-1", kind: "sync", status: "SUCCESS" };
    expect(sample(text, "launch_local_request_duration_seconds_count", sync)).toBe(2);
    expect(sample(text, "launch_local_request_duration_seconds_bucket", { ...sync, le: "0.025" })).toBe(1);
    expect(sample(text, "launch_local_request_duration_seconds_sum", sync)).toBeGreaterThanOrEqual(0.04);
    expect(sample(text, "launch_local_request_duration_seconds_count", { kind: "streaming", status: "FAILURE" })).toBe(1);
    expect(sample(text, "launch_local_llm_tokens_total", { endpoint: "echo", type: "prompt" })).toBe(5);
    expect(sample(text, "launch_local_llm_tokens_total", { endpoint: "echo", type: "completion" })).toBe(7);
    expect(text).toContain("# TYPE launch_local_request_duration_seconds histogram");
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it("reads queue depth, waiting, in-flight and workers by state from the scheduler at scrape time", async () => {
    const loads: EndpointLoad[] = [{ endpointId: "end-1", queued: 3, waiting: 2, active: 1, workers: { starting: 1, ready: 2, stopping: 0 } }];
    const { metrics } = setup(loads);
    let text = await metrics.render();
    expect(sample(text, "launch_local_queue_depth", { endpoint: "echo" })).toBe(3);
    expect(sample(text, "launch_local_requests_waiting", { endpoint: "echo" })).toBe(2);
    expect(sample(text, "launch_local_requests_in_flight", { endpoint: "echo" })).toBe(1);
    expect(sample(text, "launch_local_workers", { endpoint: "echo", state: "ready" })).toBe(2);
    expect(sample(text, "launch_local_workers", { endpoint: "echo", state: "starting" })).toBe(1);
    // An endpoint that went away leaves no stale gauge.
    loads.pop();
    text = await metrics.render();
    expect(sample(text, "launch_local_queue_depth", { endpoint: "echo" })).toBeUndefined();
  });

  it("follows the lifecycle events: task outcomes, worker starts and failures, batch rows, builds", async () => {
    const { events, metrics } = setup();
    const base = { at, endpointId: "end-1", owner: "team" };
    events.emit({ type: "task", ...base, taskId: "t1", kind: "async", from: "STARTED", to: "SUCCESS", durationMs: 120 });
    events.emit({ type: "task", ...base, taskId: "t2", kind: "async", from: "PENDING", to: "STARTED" });
    events.emit({ type: "task", ...base, taskId: null, kind: "sync", from: null, to: "FAILURE", durationMs: 5 });
    events.emit({ type: "worker", ...base, workerId: "w1", state: "starting" });
    events.emit({ type: "worker", ...base, workerId: "w1", state: "ready", startMs: 1500 });
    events.emit({ type: "worker", ...base, workerId: "w1", state: "failed", reason: "exited unexpectedly" });
    events.emit({ type: "worker", ...base, workerId: "w2", state: "failed", reason: "failed to start" });
    events.emit({ type: "batch-job", at, jobId: "j1", owner: "team", status: "RUNNING", rowsDone: 2, rowsTotal: 5 });
    events.emit({ type: "batch-job", at, jobId: "j1", owner: "team", status: "RUNNING", rowsDone: 4, rowsTotal: 5 });
    events.emit({ type: "batch-job", at, jobId: "j1", owner: "team", status: "SUCCESS", rowsDone: 5, rowsTotal: 5 });
    events.emit({ type: "batch-job", at, jobId: "j1", owner: "team", status: "SUCCESS", rowsDone: 5, rowsTotal: 5 });
    events.emit({ type: "build", ...base, kind: "virtualenv", ok: true, durationMs: 2000 });
    const text = await metrics.render();
    expect(sample(text, "launch_local_tasks_total", { kind: "async", status: "SUCCESS", endpoint: "echo" })).toBe(1);
    expect(sample(text, "launch_local_tasks_total", { kind: "sync", status: "FAILURE" })).toBe(1);
    expect(text).not.toContain('status="STARTED"');
    expect(sample(text, "launch_local_task_duration_seconds_sum", { kind: "async", status: "SUCCESS" })).toBeCloseTo(0.12);
    expect(sample(text, "launch_local_worker_starts_total", { outcome: "ready" })).toBe(1);
    expect(sample(text, "launch_local_worker_starts_total", { outcome: "failed" })).toBe(1);
    expect(sample(text, "launch_local_worker_failures_total", { phase: "serving" })).toBe(1);
    expect(sample(text, "launch_local_worker_failures_total", { phase: "start" })).toBe(1);
    expect(sample(text, "launch_local_worker_start_duration_seconds_sum", { endpoint: "echo" })).toBe(1.5);
    expect(sample(text, "launch_local_batch_rows_total")).toBe(5);
    expect(sample(text, "launch_local_batch_jobs_total", { status: "SUCCESS" })).toBe(1);
    expect(sample(text, "launch_local_build_duration_seconds_count", { kind: "virtualenv", status: "ok" })).toBe(1);
    expect(sample(text, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("stops listening once disposed", async () => {
    const { events, metrics } = setup();
    metrics.dispose();
    metrics.dispose();
    expect(events.has("task")).toBe(false);
    expect(events.has("worker")).toBe(false);
  });
});
