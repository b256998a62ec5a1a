import type { JobRunSpec } from "../domain/job-ports.js";

/** Where a job's command finds its job_config, as the command sees it (a host or a container path). */
export interface JobConfigPaths {
  configPath: string;
  mountDir: string;
}

/**
 * A docker-image batch job's environment under either runtime (§6.2): the bundle's `env`, then the
 * platform's variables, which the bundle cannot override. A command that reads
 * LAUNCH_JOB_CONFIG_PATH works under the process runtime and the Docker runtime alike. A job
 * launch-local started on its owner's behalf also gets this server's URL and its own token.
 */
export function jobEnvironment(job: JobRunSpec, paths: JobConfigPaths): Record<string, string> {
  return {
    PYTHONUNBUFFERED: "1",
    ...job.spec.env,
    LAUNCH_JOB_ID: job.jobId,
    LAUNCH_JOB_CONFIG_PATH: paths.configPath,
    LAUNCH_JOB_MOUNT_DIR: paths.mountDir,
    LAUNCH_JOB_MOUNT_LOCATION: job.spec.mountLocation,
    // An indexed Kubernetes Job gives each pod its index; API-created jobs have one worker (§6.2).
    JOB_COMPLETION_INDEX: "0",
    DD_SERVICE: `launch-di-batch-job-${job.jobId}`,
    ...(job.credentials === null ? {} : { LAUNCH_LOCAL_URL: job.credentials.url, LAUNCH_LOCAL_JOB_TOKEN: job.credentials.token }),
  };
}
