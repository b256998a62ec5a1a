/** The Docker runtime's public surface, for the composition root (src/instance.ts). */
export { createDockerRuntime, type DockerRuntime, type DockerRuntimeOptions } from "./docker-runtime.js";
export { isDockerAvailable } from "./engine-info.js";
export { createDockerJobRunner, type DockerJobRunnerOptions } from "./job-runner.js";
export { dockerodeImageEngine } from "./local-image.js";
