/**
 * The one way a test waits for something it cannot be told about directly (a row over HTTP, a
 * process table, a file): poll a condition until it holds or a deadline passes. The poll interval
 * is the only pause in it; no test sleeps a fixed time and hopes (PROTOCOL: no fixed sleeps).
 * Where the code under test announces the change (the lifecycle event bus, a fake clock's timers),
 * wait for that instead.
 */

const POLL_MS = 10;

/**
 * Polls until `check` returns a value (not null/undefined/false) and returns it; fails after
 * `timeoutMs` naming `what` (a function: read at the deadline, to say what was last seen).
 */
export async function waitFor<T>(
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs: number,
  what: string | (() => string),
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
