/**
 * `--runtime auto` where a Docker engine answers (issue 19): each endpoint runs where it can be
 * served. Its bundle goes to Docker when Docker can serve it (`dockerVerdict`: the image present,
 * mapped to a present one, or pullable), else to local processes, with the reason in the creation
 * logs, in the endpoint's status_reason while READY, and one line on the terminal. An endpoint that
 * asks for GPUs follows the same choice: in Docker it gets DeviceRequests; as local processes, the
 * process runtime's GPU policy applies. `--runtime docker` never comes here: it stays strict.
 */
import type { BundleRecord } from "../domain/bundle.js";
import type { Logger } from "../domain/logger.js";
import type { PreparedRuntime, WorkerRuntime } from "../domain/ports.js";
import type { DockerVerdict } from "./docker/image-verdict.js";

export interface RuntimeRouterOptions {
  docker: WorkerRuntime;
  processes: WorkerRuntime;
  /** Whether Docker can serve the bundle, and why (or why not). */
  verdict(bundle: BundleRecord): Promise<DockerVerdict>;
  logger: Logger;
}

export function createRuntimeRouter(options: RuntimeRouterOptions): WorkerRuntime {
  const { docker, processes, logger } = options;
  /** The runtime each bundle's latest prepare chose; its workers start there. */
  const chosen = new Map<string, WorkerRuntime>();

  const choose = async (bundle: BundleRecord, log: (line: string) => void): Promise<{ runtime: WorkerRuntime; note: string | null }> => {
    let verdict: DockerVerdict;
    try {
      verdict = await options.verdict(bundle);
    } catch (error) {
      verdict = {
        canServe: false,
        why: `the Docker engine could not tell whether it has the image (${error instanceof Error ? error.message : String(error)})`,
      };
    }
    if (verdict.canServe) {
      log(`Runtime: Docker (--runtime auto): ${verdict.why}`);
      chosen.set(bundle.id, docker);
      return { runtime: docker, note: null };
    }
    const note = `Runs as local processes, not in Docker (--runtime auto): ${verdict.why}`;
    log(`Runtime: ${note}`);
    logger.info(`bundle ${bundle.name}: ${note}`);
    chosen.set(bundle.id, processes);
    return { runtime: processes, note };
  };

  return {
    name: "auto",
    async prepare(bundle, gpus, log): Promise<PreparedRuntime> {
      const { runtime, note } = await choose(bundle, log);
      await runtime.prepare(bundle, gpus, log);
      return { note };
    },
    async start(spec, log) {
      let runtime = chosen.get(spec.bundle.id);
      if (runtime === undefined) {
        // Not prepared by this instance (a worker of an endpoint recovered at start): choose now.
        runtime = (await choose(spec.bundle, log)).runtime;
        await runtime.prepare(spec.bundle, spec.gpus, log);
      }
      return runtime.start(spec, log);
    },
    async dispose() {
      await Promise.all([docker.dispose(), processes.dispose()]);
    },
  };
}
