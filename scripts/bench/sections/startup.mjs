/**
 * Row 6: process start → ready (the port file appears; the ready line), and resident memory once
 * idle after start, over a few fresh starts of the CLI (median). Measured for the command as a
 * fixture runs it (no --runtime: `auto`, which is Docker when an engine answers) and with
 * --runtime process; the target is judged on the former.
 */
import { sleep } from "../http-load.mjs";
import { startServer } from "../server.mjs";
import { median, verdict } from "../stats.mjs";
import { mib } from "./async-tasks.mjs";

const IDLE_SETTLE_MS = 1000;

export async function measureStartup(report, repeats) {
  for (const runtime of [null, "process"]) {
    const portFile = [];
    const cpuToReady = [];
    const readyLine = [];
    const idle = [];
    let runtimeName = runtime;
    for (let i = 0; i < repeats; i++) {
      const server = await startServer({ runtime });
      try {
        portFile.push(server.portFileMs);
        if (server.cpuMsToReady !== null) cpuToReady.push(server.cpuMsToReady);
        await sleep(IDLE_SETTLE_MS);
        const line = server.readyLineMs();
        if (line !== null) readyLine.push(line);
        runtimeName = /runtime: (\w+)/.exec(server.stdout())?.[1] ?? runtimeName;
        const memory = server.memory();
        if (memory?.rssMiB != null) idle.push(memory.rssMiB);
      } finally {
        await server.stop();
      }
    }
    const ready = median(portFile);
    const idleMiB = median(idle);
    const idleMB = idleMiB * 1.048576;
    const how = runtime === null ? `default flags (runtime auto → ${runtimeName})` : `--runtime ${runtime}`;
    report.row("6", `start-up, ${how}, ${repeats} starts`, {
      text: `port file after ${ready.toFixed(0)} ms, ready line after ${median(readyLine).toFixed(0)} ms, ${median(cpuToReady).toFixed(0)} ms CPU (medians) | idle RSS ${mib(idleMiB)} (${idleMB.toFixed(1)} MB)`,
      data: {
        runtime: runtime ?? "auto",
        resolvedRuntime: runtimeName,
        portFileMs: portFile,
        readyLineMs: readyLine,
        cpuMsToReady: cpuToReady,
        idleRssMiB: idle,
        medianReadyMs: ready,
        medianIdleRssMiB: idleMiB,
      },
    });
    if (runtime === null) {
      report.target("6", "ready ≤ 300 ms", `${ready.toFixed(0)} ms`, verdict(ready, "at-most", 300));
      report.target("6", "idle memory ≤ 80 MB", `${idleMB.toFixed(1)} MB`, verdict(idleMB, "at-most", 80));
    }
  }
}
