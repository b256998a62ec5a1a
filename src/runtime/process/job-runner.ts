/**
 * The process runtime's JobRunner (DESIGN.md "Workers" → Process runtime): a docker-image batch
 * job's `command` runs as a host process, without its image (server-contract.md §6.2). The job gets
 * a folder `<dataDir>/jobs/<job id>/` holding the mapped mount directory (job-mount.ts), removed
 * when the job ends. Its environment is this process's, then the bundle's `env`, then the
 * platform's variables, which the bundle cannot override (§6.2). GPUs are not assigned to jobs
 * (no CUDA_VISIBLE_DEVICES), and cpus/memory are not enforced, as for process workers.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Clock, systemClock } from "../../domain/clock.js";
import type { Logger } from "../../domain/logger.js";
import type { JobHandle, JobRunner } from "../../domain/job-ports.js";
import { jobEnvironment } from "../job-env.js";
import { inheritedEnv } from "../worker-env.js";
import { killLeftover, spawnJobProcess } from "./job-process.js";
import { planJobMount } from "./job-mount.js";
import type { Env } from "./run-command.js";

export interface ProcessJobRunnerOptions {
  dataDir: string;
  logger: Logger;
  /** The server's environment (config/host-env.ts); jobs inherit its allow-list (worker-env.ts). */
  env: Env;
  /** Working directory of job commands (relative paths resolve here, as for runnable images). */
  cwd?: string;
  /** SIGTERM → SIGKILL grace on stop. */
  graceMs?: number;
  /** Process mechanics (grace timers, group polling) run on real time even when tests fake the API clock. */
  clock?: Clock;
}

const DEFAULT_GRACE_MS = 5000;

export function createProcessJobRunner(options: ProcessJobRunnerOptions): JobRunner {
  const clock = options.clock ?? systemClock;
  const baseEnv: Env = inheritedEnv(options.env);
  const cwd = options.cwd ?? process.cwd();
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const live = new Set<JobHandle>();
  let disposing: Promise<void> | null = null;
  const jobDirOf = (jobId: string): string => join(options.dataDir, "jobs", jobId);

  return {
    name: "process",

    async run(job, log) {
      if (disposing) throw new Error("The process job runner has been disposed.");
      const jobDir = jobDirOf(job.jobId);
      const mount = planJobMount(jobDir, job.spec.mountLocation, job.spec.command);
      await rm(jobDir, { recursive: true, force: true });
      await mkdir(mount.hostDir, { recursive: true });
      await writeFile(mount.hostFile, job.jobConfigText, "utf8");
      const env: Env = { ...baseEnv, ...jobEnvironment(job, { configPath: mount.hostFile, mountDir: mount.hostDir }) };
      const handle = await spawnJobProcess({ argv: mount.argv, env, cwd, log, graceMs, clock });
      live.add(handle);
      void handle.exited.then(async () => {
        live.delete(handle);
        await rm(jobDir, { recursive: true, force: true });
      });
      options.logger.debug("job started", { jobId: job.jobId, ref: handle.ref });
      return handle;
    },

    async reap(jobId, ref) {
      if (ref !== null && (await killLeftover(ref, clock))) {
        options.logger.info("ended a job process left by an earlier launch-local", { jobId, ref });
      }
      await rm(jobDirOf(jobId), { recursive: true, force: true });
    },

    dispose() {
      disposing ??= Promise.all([...live].map((handle) => handle.stop())).then(() => undefined);
      return disposing;
    },
  };
}
