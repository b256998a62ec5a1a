/**
 * Public API: embed launch-local in a test suite or a tool (README "Embedding in tests").
 *
 *   const launch = await startLaunchLocal({ port: 0, ephemeral: true });
 *   // … LaunchClient(api_key="me", endpoint=launch.url) …
 *   await launch.close();
 *
 * or, as Miniflare's `await mf.ready`, a handle at once and its start as a promise:
 *
 *   const launch = new LaunchLocal({ port: 0, ephemeral: true });
 *   const url = await launch.ready;   // rejects with the start error (a ConfigError for a busy port)
 */
import type { LaunchLocalOptions } from "./config/options.js";
import { type Instance, createInstance } from "./instance.js";

export type { LaunchLocalOptions } from "./config/options.js";
export { ConfigError } from "./config/options.js";

export class LaunchLocal {
  /** Resolves with the base URL once the server is serving; rejects with the error that stopped its start. */
  readonly ready: Promise<string>;
  readonly #instance: Promise<Instance>;
  #started: Instance | null = null;
  #closing: Promise<void> | null = null;

  /** Starts at once; `ready` says when it is serving. */
  constructor(options: LaunchLocalOptions = {}) {
    this.#instance = createInstance(options).then((instance) => (this.#started = instance));
    this.ready = this.#instance.then((instance) => instance.url);
    // A start error belongs to whoever awaits `ready` (or calls reset); never an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** The base URL, e.g. http://127.0.0.1:5001 (the real port when started with port 0). */
  get url(): string {
    return this.#serving().url;
  }

  get port(): number {
    return this.#serving().port;
  }

  get dataDir(): string {
    return this.#serving().config.dataDir;
  }

  /**
   * Removes every bundle, endpoint, task, blob, log and fault rule, and stops every worker;
   * `keepBundles` keeps the bundles and the blobs they name. Waits for the start (and fails with its error).
   */
  async reset(options?: { keepBundles?: boolean }): Promise<void> {
    await (await this.#instance).reset(options);
  }

  /** Stops the server and every worker it started, after a start still under way. Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= this.#instance.then(
      (instance) => instance.close(),
      () => undefined, // it never started: nothing to stop
    );
    return this.#closing;
  }

  #serving(): Instance {
    if (this.#started === null) throw new Error("launch-local is not serving yet: await launch.ready first.");
    return this.#started;
  }
}

/** Starts launch-local and resolves once it is serving (the handle's `ready` has resolved). */
export async function startLaunchLocal(options: LaunchLocalOptions = {}): Promise<LaunchLocal> {
  const launch = new LaunchLocal(options);
  await launch.ready;
  return launch;
}
