/**
 * The reference proxies of the bench (tcp-pump.mjs, floor-proxy.mjs), none of them part of
 * launch-local: started in front of some ports, ready once they print their own port.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";

/** Starts one reference proxy in front of the ports; resolves once it printed its port. */
export async function startReference(script, ports) {
  const child = spawn(process.execPath, [script, ...ports.map(String)], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(child, "exit").then(([code, signal]) => {
    throw new Error(`${script} exited (${signal ?? code}) before printing its port`);
  });
  const [portLine] = await Promise.race([once(child.stdout, "data"), exited]);
  exited.catch(() => {}); // it may still exit later, when stopped
  return { child, port: Number(String(portLine).trim()) };
}

export async function stopReference({ child }) {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
}
