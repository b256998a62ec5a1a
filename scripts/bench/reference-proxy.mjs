/**
 * The reference proxies of the bench (tcp-pump.mjs, floor-proxy.mjs), none of them part of
 * launch-local: started in front of some ports, ready once they print their own port.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";

/**
 * Starts one reference proxy with its arguments (the worker ports, for the floor proxy `port:token`);
 * resolves once it printed its port or ports (the tcp pump listens on one per worker): `port` is the
 * first, `ports` all of them.
 */
export async function startReference(script, args) {
  const child = spawn(process.execPath, [script, ...args.map(String)], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(child, "exit").then(([code, signal]) => {
    throw new Error(`${script} exited (${signal ?? code}) before printing its port`);
  });
  const [portLine] = await Promise.race([once(child.stdout, "data"), exited]);
  exited.catch(() => {}); // it may still exit later, when stopped
  const ports = String(portLine).trim().split(" ").map(Number);
  return { child, port: ports[0], ports };
}

export async function stopReference({ child }) {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
}
