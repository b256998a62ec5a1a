/**
 * Reference processes the bench starts beside launch-local (a worker straight, a FastAPI worker, a
 * Ray Serve driver): spawned with an argv array, ready once a line matching `ready` appears on stdout
 * (raced against the exit and a deadline), stopped with SIGTERM then SIGKILL.
 */
import { spawn } from "node:child_process";

export async function startChild(command, args, { env = {}, ready, timeoutMs = 120_000, cwd } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const match = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${command} printed no ready line within ${timeoutMs} ms: ${stderr.trim().split("\n").slice(-3).join(" | ")}`)),
      timeoutMs,
    );
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      stdout += chunk;
      const found = ready.exec(stdout);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code ?? signal}) before ready: ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
    });
  }).catch(async (error) => {
    child.kill("SIGKILL");
    await exited;
    throw error;
  });
  return {
    pid: child.pid,
    match,
    stderr: () => stderr,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
