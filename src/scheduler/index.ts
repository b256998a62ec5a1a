/** Public surface of the scheduler for the composition root (instance.ts). */
export { createScheduler } from "./scheduler.js";
export type { Scheduler, SchedulerConfig, SchedulerDeps, WorkerInfo } from "./scheduler.js";
