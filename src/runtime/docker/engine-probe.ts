/**
 * The Docker engine reached with Node's own http client, for what start-up needs before dockerode is
 * loaded (about 230 ms of CPU and 13 MB, bench row 6): whether an engine answers, the orphan
 * sweep's two calls (orphan-sweep.ts), and `--runtime auto`'s questions about a bundle's image
 * (image-verdict.ts), so an endpoint that ends up as local processes never loads dockerode. Only
 * engines plain HTTP reaches: a unix socket or tcp without TLS; for the others only the real client can tell.
 */
import { existsSync } from "node:fs";
import { request } from "node:http";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ImageEngine } from "./image-verdict.js";
import type { ContainerEngine, ListedContainer } from "./orphan-sweep.js";

/** Where the engine listens, when Node's own http client can reach it (no TLS, no ssh, no pipes). */
export type EngineTarget = { socketPath: string } | { host: string; port: number };

/**
 * The engine dockerode would reach (docker-modem's reading of DOCKER_HOST), when plain HTTP reaches
 * it; null when only the real client can (TLS, ssh, named pipes). Without DOCKER_HOST that is Docker
 * Desktop's `~/.docker/run/docker.sock` when it exists, else `/var/run/docker.sock`.
 */
export function plainEngineTarget(env: Record<string, string | undefined>, home = homedir()): EngineTarget | null {
  const host = env["DOCKER_HOST"] ?? "";
  const socketPath = host === "" || host === "unix://" ? defaultSocket(home) : host.startsWith("unix://") ? host.slice("unix://".length) : null;
  if (socketPath !== null) return { socketPath };
  if (!host.startsWith("tcp://")) return null;
  const url = new URL(`http://${host.slice("tcp://".length)}`);
  // docker-modem speaks TLS when DOCKER_TLS_VERIFY is 1 or the port is 2376.
  if (env["DOCKER_TLS_VERIFY"] === "1" || url.port === "2376") return null;
  return { host: url.hostname, port: Number(url.port || 2375) };
}

function defaultSocket(home: string): string {
  const desktop = join(home, ".docker", "run", "docker.sock");
  return existsSync(desktop) ? desktop : "/var/run/docker.sock";
}

/** One Engine API call with Node's http client; rejects on a transport error or after `timeoutMs`. */
function engineCall(target: EngineTarget, method: string, path: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const call = request({ ...target, path, method, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    call.on("timeout", () => call.destroy(new Error(`the Docker engine did not answer ${method} ${path} within ${timeoutMs} ms`)));
    call.on("error", reject);
    call.end();
  });
}

/** Whether a Docker engine answers `GET /_ping` at `target`. */
export async function pingDockerEngine(target: EngineTarget, timeoutMs = 2_000): Promise<boolean> {
  try {
    return (await engineCall(target, "GET", "/_ping", timeoutMs)).status === 200;
  } catch {
    return false;
  }
}

function isListedContainer(value: unknown): value is ListedContainer {
  return typeof value === "object" && value !== null && "Id" in value && typeof value.Id === "string";
}

/** The orphan sweep's engine calls over plain HTTP. */
export function httpEngine(target: EngineTarget, timeoutMs = 30_000): ContainerEngine {
  return {
    async listContainers(filters) {
      const query = encodeURIComponent(JSON.stringify(filters));
      const listed = await engineCall(target, "GET", `/containers/json?all=1&filters=${query}`, timeoutMs);
      if (listed.status !== 200) throw new Error(`listing containers answered ${listed.status}: ${listed.body.slice(0, 200)}`);
      const parsed: unknown = JSON.parse(listed.body);
      return Array.isArray(parsed) ? parsed.filter(isListedContainer) : [];
    },
    async removeContainer(id) {
      const answer = await engineCall(target, "DELETE", `/containers/${encodeURIComponent(id)}?force=1`, timeoutMs);
      // 404: gone meanwhile; 409: removal already in progress.
      if (answer.status === 404 || answer.status === 409) return false;
      if (answer.status >= 300) throw new Error(`removing container ${id} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      return true;
    },
  };
}

/** The engine's own message in an error answer (`{"message": "…"}`), else the body's start. */
function answerMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "message" in parsed && typeof parsed.message === "string") return parsed.message.trim();
  } catch {
    // Not JSON: the text itself says what happened.
  }
  return body.slice(0, 300).trim();
}

/**
 * `--runtime auto`'s image questions over plain HTTP. Image names are passed as the engine's paths
 * take them (`/images/pytorch/pytorch:1.7.0/json`); image-verdict.ts lets only image references
 * through. A registry behind a proxy the engine does not use never answers: `registryTimeoutMs`.
 */
export function httpImageEngine(target: EngineTarget, registryTimeoutMs = 10_000, timeoutMs = 30_000): ImageEngine {
  return {
    async hasImage(image) {
      const answer = await engineCall(target, "GET", `/images/${image}/json`, timeoutMs);
      if (answer.status === 200) return true;
      if (answer.status === 404) return false;
      throw new Error(`inspecting ${image} answered ${answer.status}: ${answerMessage(answer.body)}`);
    },
    async whyNotPullable(image) {
      try {
        const answer = await engineCall(target, "GET", `/distribution/${image}/json`, registryTimeoutMs);
        return answer.status === 200 ? null : answerMessage(answer.body);
      } catch {
        return `no registry answered the engine within ${registryTimeoutMs / 1000} s`;
      }
    },
  };
}
