/**
 * The CLI stops with whatever started it. `npx launch-local` runs npm → \`sh -c\` → node, and npm
 * passes SIGTERM to the shell only, which dies without passing it on: launch-local and its workers
 * were left under PID 1, still serving, after every `npx` or pytest session that "stopped" it. So the
 * CLI watches its parent: once the parent is gone (the process is reparented), it stops as on
 * SIGTERM. `--exit-with-parent=false` keeps a deliberately detached server (`nohup … &`) running.
 */
const POLL_MS = 250;

/** Calls `onGone` once, when this process's parent has exited. Returns a function that stops watching. */
export function watchParent(onGone: () => void): () => void {
  const parent = process.ppid;
  // Started by init (or a container's PID 1): there is no launcher to follow.
  if (parent <= 1) return () => undefined;
  const timer = setInterval(() => {
    // `process.ppid` is read from the kernel on each access; it changes when the parent exits.
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
