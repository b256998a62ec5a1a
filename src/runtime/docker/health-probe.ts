/**
 * One readiness probe: GET on a fresh connection, closed afterwards. A pooled keep-alive socket left
 * idle on a single-threaded user server would block its next request. Before the server listens,
 * Docker's port proxy accepts and then drops the connection; that is simply "not ready yet".
 */
import { get as httpGet } from "node:http";

const PROBE_TIMEOUT_MS = 2_000;

/** `headers`: the worker's token (worker-env.ts tokenHeaders), which it checks on every route. */
export function isHealthy(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpGet(url, { agent: false, headers: { ...headers, Connection: "close" }, timeout: PROBE_TIMEOUT_MS }, (response) => {
      response.resume();
      response.once("end", () => resolve(response.statusCode === 200));
      response.once("error", () => resolve(false));
    });
    request.once("timeout", () => request.destroy());
    request.once("error", () => resolve(false));
  });
}
