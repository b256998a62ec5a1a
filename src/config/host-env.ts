/**
 * The server's own environment, read here and nowhere else in src/ (eslint.config.js forbids
 * `process.env` outside src/config/ and the CLI). The composition root reads it once and hands it
 * down: config resolves LAUNCH_LOCAL_* from it, and the runtimes reduce it to the workers'
 * allow-list (runtime/worker-env.ts inheritedEnv) — they never read the process themselves.
 */
export type HostEnv = Readonly<Record<string, string | undefined>>;

/** A snapshot of this process's environment, taken when an instance starts. */
export function readHostEnv(): HostEnv {
  return { ...process.env };
}
