/**
 * Row 6: process start → ready (the port file appears; the ready line), and resident memory once
 * idle after start, over a few fresh starts of the CLI (median).
 */
import { sleep } from "../http-load.mjs";
import { startServer } from "../server.mjs";
import { median, verdict } from "../stats.mjs";
import { mib } from "./async-tasks.mjs";

const IDLE_SETTLE_MS = 1000;

export async function measureStartup(report, repeats) {
  const portFile = [];
  const readyLine = [];
  const idle = [];
  for (let i = 0; i < repeats; i++) {
    const server = await startServer();
    try {
      portFile.push(server.portFileMs);
      await sleep(IDLE_SETTLE_MS);
      const line = server.readyLineMs();
      if (line !== null) readyLine.push(line);
      const memory = server.memory();
      if (memory?.rssMiB != null) idle.push(memory.rssMiB);
    } finally {
      await server.stop();
    }
  }
  const ready = median(portFile);
  const idleMiB = median(idle);
  report.row("6", `start-up (${repeats} starts, median)`, {
    text: `port file after ${ready.toFixed(0)} ms, ready line after ${median(readyLine).toFixed(0)} ms | idle RSS ${mib(idleMiB)}`,
    data: { portFileMs: portFile, readyLineMs: readyLine, idleRssMiB: idle, medianReadyMs: ready, medianIdleRssMiB: idleMiB },
  });
  report.target("6", "ready ≤ 300 ms", `${ready.toFixed(0)} ms`, verdict(ready, "at-most", 300));
  report.target("6", "idle memory ≤ 80 MB", `${(idleMiB * 1.048576).toFixed(1)} MB`, verdict(idleMiB * 1.048576, "at-most", 80));
}
