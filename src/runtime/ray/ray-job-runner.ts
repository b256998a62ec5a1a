/**
 * The Ray runtime's JobRunner: a docker-image batch job (and so a fine-tune job) is a Ray actor
 * placed with the job's merged resources, running the bundle's `command` on its node, without the
 * image, as the process runtime runs it on this machine. The job_config file is written into the
 * actor's node-local scratch folder, which stands in for the mount directory (job-mount.ts rules);
 * the job stays PENDING until Ray has placed it.
 */
import type { Clock } from "../../domain/clock.js";
import type { Logger } from "../../domain/logger.js";
import type { JobExit, JobHandle, JobRunner } from "../../domain/ports.js";
import { jobEnvironment } from "../job-env.js";
import { planJobMount } from "../process/job-mount.js";
import { type ActorNames, actorOptions, infeasibleReason } from "./actor-options.js";
import type { RayDriver, RayExit } from "./ray-driver.js";

export interface RayJobRunnerOptions {
  driver: RayDriver;
  names: ActorNames;
  logger: Logger;
  clock: Clock;
  /** SIGTERM → SIGKILL grace on stop. */
  graceMs?: number;
}

const DEFAULT_GRACE_MS = 5000;
const REF_PREFIX = "ray:";

export function createRayJobRunner(options: RayJobRunnerOptions): JobRunner {
  const { driver, names, logger } = options;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const live = new Set<JobHandle>();
  let disposing: Promise<void> | null = null;

  return {
    name: "ray",

    async run(job, log) {
      if (disposing) throw new Error("The Ray job runner has been disposed.");
      const { resources } = job.spec;
      const rayOptions = actorOptions({ cpus: resources.cpus, memory: resources.memory, gpus: resources.gpus ?? 0, gpuType: resources.gpuType });
      const infeasible = infeasibleReason(rayOptions, await driver.cluster());
      if (infeasible !== null) throw new Error(infeasible);

      const key = `job-${job.jobId}`;
      const name = names.nameFor(key);
      let settle: (exit: JobExit) => void = () => undefined;
      const exited = new Promise<JobExit>((resolve) => (settle = resolve));
      const events = {
        output: (lines: readonly string[]) => lines.forEach((line) => log(line)),
        exit: (exit: RayExit) => settle({ code: exit.code, signal: exit.signal, error: exit.reason }),
      };
      const placement = await driver.place({ key, name, options: rayOptions, requirements: [], wantsPort: false }, events);
      log(`[launch-local] placed by Ray on node ${placement.nodeIp}`);
      const mount = planJobMount(`${placement.scratch}/job`, job.spec.mountLocation, job.spec.command);
      try {
        await driver.run(key, {
          argv: mount.argv,
          env: jobEnvironment(job, { configPath: mount.hostFile, mountDir: mount.hostDir }),
          cwd: placement.scratch,
          write: [{ path: mount.hostFile, text: job.jobConfigText }],
        });
      } catch (error) {
        await driver.stop(key, 0).catch(() => undefined);
        throw error;
      }
      let stopping: Promise<void> | null = null;
      const handle: JobHandle = {
        ref: `${REF_PREFIX}${name}`,
        exited,
        stop: () => (stopping ??= driver.stop(key, graceMs).then(async () => void (await exited))),
      };
      live.add(handle);
      void exited.then(() => live.delete(handle));
      logger.debug("ray job started", { jobId: job.jobId, node: placement.nodeIp });
      return handle;
    },

    async reap(jobId, ref) {
      if (ref === null || !ref.startsWith(REF_PREFIX)) return;
      // Only another instance's actor of this data dir can be left over; ours are never swept.
      const removed = await driver.sweep(ref.slice(REF_PREFIX.length), names.instancePrefix);
      if (removed.length > 0) logger.info("ended a Ray job actor left by an earlier launch-local", { jobId });
    },

    dispose() {
      disposing ??= Promise.all([...live].map((handle) => handle.stop())).then(() => undefined);
      return disposing;
    },
  };
}
