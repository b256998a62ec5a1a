/** What the control API needs from the scheduler and the composition root (README "Control API"). */

export interface ControlWorkerInfo {
  id: string;
  state: "starting" | "ready" | "stopping";
  inflight: number;
  /** Empty while the runtime is still creating the worker. */
  baseUrl: string;
  pid: number | null;
  /** What a direct call to the worker must carry in x-launch-worker-token; null: none. */
  token: string | null;
}

/** The scheduler's emulator-only operations (implemented by src/scheduler/scheduler.ts). */
export interface ControlScheduler {
  listWorkers(endpointId: string): ControlWorkerInfo[];
  /** Hard-kills one worker; false when the endpoint has no such started worker. */
  killWorker(endpointId: string, workerId: string): boolean;
  /** A scale decision now, with the cool-down's history forgotten. */
  scaleNow(endpointId: string): void;
}

export interface ResetOptions {
  /** Keep model bundles (and the blobs they name); everything else goes. */
  keepBundles: boolean;
}

/** Instance-wide facts for GET /_launch_local/info. */
export interface InstanceInfo {
  version: string;
  runtime: string;
  data_dir: string;
  url: string;
}
