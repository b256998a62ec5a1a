/**
 * The Ray runtime's JobRunner: a docker-image batch job (and so a fine-tune job) is a Ray actor
 * placed with the job's merged resources, running the bundle's `command` on its node, without the
 * image, as the process runtime runs it on this machine. The job_config file is written into the
 * actor's node-local scratch folder, which stands in for the mount directory (job-mount.ts rules);
 * the job stays PENDING until Ray has placed it. An engine-image job (fine-tune trainer, batch
 * completions) runs there too, in the engine's environment built on its node (engine-job.ts).
 */
import type { Clock } from "../../domain/clock.js";
import type { Logger } from "../../domain/logger.js";
import type { JobExit, JobHandle, JobRunner } from "../../domain/job-ports.js";
import { jobEnvironment } from "../job-env.js";
import { planJobMount } from "../process/job-mount.js";
import { type ActorNames, actorOptions, infeasibleReason } from "./actor-options.js";
import type { EngineJobPlan, RayEngineJobs } from "./engine-job.js";
import type { RayActorOptions, RayDriver, RayExit } from "./ray-driver.js";

export interface RayJobRunnerOptions {
  driver: RayDriver;
  names: ActorNames;
  logger: Logger;
  clock: Clock;
  /** Engine-image jobs; without it they run as any other job (the command as it is). */
  engine?: RayEngineJobs;
  /** SIGTERM → SIGKILL grace on stop. */
  graceMs?: number;
}

const DEFAULT_GRACE_MS = 5000;

function withoutGpus(options: RayActorOptions): RayActorOptions {
  const { accelerator_type: _dropped, ...rest } = options;
  return { ...rest, num_gpus: 0 };
}

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
      const engine = options.engine?.isEngineJob(job) === true ? options.engine : null;
      let rayOptions = actorOptions({ cpus: resources.cpus, memory: resources.memory, gpus: resources.gpus ?? 0, gpuType: resources.gpuType });
      const cluster = await driver.cluster();
      const infeasible = infeasibleReason(rayOptions, cluster);
      if (infeasible !== null) {
        // The engine runs on CPU where no GPU fits, whatever --gpu-policy, as its workers do (README "LLM endpoints").
        const onCpu = engine === null ? null : withoutGpus(rayOptions);
        if (onCpu === null || infeasibleReason(onCpu, cluster) !== null) throw new Error(infeasible);
        log(`[launch-local] ${infeasible}: the LLM engine runs on CPU`);
        rayOptions = onCpu;
      }

      const key = `job-${job.jobId}`;
      const name = names.nameFor(key);
      let settle: (exit: JobExit) => void = () => undefined;
      const exited = new Promise<JobExit>((resolve) => (settle = resolve));
      const events = {
        output: (lines: readonly string[]) => lines.forEach((line) => log(line)),
        exit: (exit: RayExit) => settle({ code: exit.code, signal: exit.signal, error: exit.reason }),
      };
      if (engine !== null) log("[launch-local] an LLM engine job: Ray places it on a node, which builds (or reuses) the engine's environment there");
      const requirements = engine === null ? [] : await engine.requirements();
      const placement = await driver.place({ key, name, options: rayOptions, requirements, wantsPort: false, systemSitePackages: engine !== null }, events);
      log(`[launch-local] placed by Ray on node ${placement.nodeIp}`);
      const mount = planJobMount(`${placement.scratch}/job`, job.spec.mountLocation, job.spec.command);
      try {
        const env = jobEnvironment(job, { configPath: mount.hostFile, mountDir: mount.hostDir });
        const planned: EngineJobPlan = engine === null ? { argv: mount.argv, env, download: [] } : await engine.plan(placement, mount.argv, env, log);
        await driver.run(key, {
          argv: planned.argv,
          env: planned.env,
          cwd: placement.scratch,
          write: [{ path: mount.hostFile, text: job.jobConfigText }],
          download: planned.download,
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
