/**
 * Public API: embed launch-local in a test suite or a tool.
 *
 *   const launch = await startLaunchLocal({ port: 0, ephemeral: true });
 *   // … LaunchClient(api_key="me", endpoint=launch.url) …
 *   await launch.close();
 */
import type { LaunchLocalOptions } from "./config/options.js";
import { createInstance } from "./instance.js";

export type { LaunchLocalOptions } from "./config/options.js";
export { ConfigError } from "./config/options.js";

export interface LaunchLocal {
  /** The base URL, e.g. http://127.0.0.1:5001 (the real port when started with port 0). */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /**
   * Removes every bundle, endpoint, task, blob, log and fault rule, and stops every worker;
   * `keepBundles` keeps the bundles and the blobs they name.
   */
  reset(options?: { keepBundles?: boolean }): Promise<void>;
  /** Stops the server and every worker it started. Safe to call more than once. */
  close(): Promise<void>;
}

export async function startLaunchLocal(options: LaunchLocalOptions = {}): Promise<LaunchLocal> {
  const instance = await createInstance(options);
  return {
    url: instance.url,
    port: instance.port,
    dataDir: instance.config.dataDir,
    reset: (resetOptions) => instance.reset(resetOptions),
    close: () => instance.close(),
  };
}
