/**
 * A few process metrics under their standard names, read at scrape time. prom-client's default set
 * is not used: it starts an event-loop monitor and a GC observer per registry that are never
 * stopped, and tests start many instances in one process.
 */
import { Counter, Gauge, type Registry } from "prom-client";

export function processMetrics(registry: Registry): void {
  const registers = [registry];
  const startSeconds = Math.round(Date.now() / 1000 - process.uptime());
  new Counter({
    name: "process_cpu_seconds_total",
    help: "User and system CPU time of the launch-local process, in seconds",
    registers,
    collect() {
      const usage = process.cpuUsage();
      this.reset();
      this.inc((usage.user + usage.system) / 1e6);
    },
  });
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory of the launch-local process, in bytes",
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: "nodejs_heap_size_used_bytes",
    help: "V8 heap in use, in bytes",
    registers,
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
  new Gauge({ name: "process_start_time_seconds", help: "When the launch-local process started, in seconds since the epoch", registers }).set(startSeconds);
}
