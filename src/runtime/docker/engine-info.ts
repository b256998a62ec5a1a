/**
 * What the runtime needs to know about the engine it talks to (which may be remote, via
 * DOCKER_HOST): its CPU count, because a NanoCpus above it is refused, and whether it is rootless,
 * because then container root already maps to the invoking user.
 */
import type Dockerode from "dockerode";

export interface EngineInfo {
  cpus: number;
  isRootless: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Parses the engine's `GET /info` answer (typed `any` by dockerode). */
export function parseEngineInfo(raw: unknown): EngineInfo {
  const info = isRecord(raw) ? raw : {};
  const cpus = typeof info["NCPU"] === "number" && info["NCPU"] > 0 ? info["NCPU"] : 1;
  const security = Array.isArray(info["SecurityOptions"]) ? info["SecurityOptions"] : [];
  const isRootless = security.some((option) => typeof option === "string" && option.includes("name=rootless"));
  return { cpus, isRootless };
}

export async function readEngineInfo(docker: Dockerode): Promise<EngineInfo> {
  const raw: unknown = await docker.info();
  return parseEngineInfo(raw);
}

/** True when the engine answers a ping within `timeoutMs` (DOCKER_HOST is honoured by the client). */
export function isDockerAvailable(docker: Dockerode, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      docker.modem.dial({ path: "/_ping", method: "GET", statusCodes: { 200: true }, abortSignal: AbortSignal.timeout(timeoutMs) }, (error) =>
        resolve(error === null),
      );
    } catch {
      resolve(false);
    }
  });
}
