/**
 * The operating system's view of processes (Linux /proc), for the clean-shutdown checks: which
 * processes exist, their parents and process groups, and which ones a launch-local started.
 */
import { readFile, readdir } from "node:fs/promises";
import { parseProcStat } from "../../../src/runtime/process/process-group.js";

export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  cmdline: string;
}

/** `ppid` is the field after the state in /proc/<pid>/stat (parseProcStat reads state and group). */
function ppidOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
}

export async function processTable(): Promise<ProcessEntry[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  const entries = await Promise.all(
    pids.map(async (pid): Promise<ProcessEntry | null> => {
      try {
        const stat = await readFile(`/proc/${pid}/stat`, "utf8");
        const parsed = parseProcStat(stat);
        if (parsed === null) return null;
        const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).replace(/\0/g, " ").trim();
        return { pid: Number(pid), ppid: ppidOf(stat), pgrp: parsed.pgrp, state: parsed.state, cmdline };
      } catch {
        return null;
      }
    }),
  );
  return entries.filter((entry): entry is ProcessEntry => entry !== null);
}

/** Running (non-zombie) processes. */
export const live = (table: readonly ProcessEntry[]): ProcessEntry[] => table.filter((entry) => entry.state !== "Z" && entry.state !== "X");

/** Every descendant of `pid` (children, grandchildren…). */
export function descendantsOf(table: readonly ProcessEntry[], pid: number): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const children = table.filter((entry) => frontier.includes(entry.ppid));
    found.push(...children);
    frontier = children.map((entry) => entry.pid);
  }
  return found;
}

/** Processes whose environment names `parentPid` as their launch-local (every artifact worker's). */
export async function workersOfParent(parentPid: number): Promise<number[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  const marker = `LAUNCH_WORKER_PARENT_PID=${parentPid}\0`;
  const matches = await Promise.all(
    pids.map(async (pid) => ((await readFile(`/proc/${pid}/environ`, "utf8").catch(() => "")).includes(marker) ? Number(pid) : null)),
  );
  return matches.filter((pid): pid is number => pid !== null);
}

/**
 * What is left of a launch-local's processes: live members of the given process groups, live
 * processes among `pids`, and live processes still naming `parentPid` in their environment.
 */
export async function leftovers(pgids: readonly number[], pids: readonly number[], parentPid: number): Promise<ProcessEntry[]> {
  const table = live(await processTable());
  const marked = new Set(await workersOfParent(parentPid));
  return table.filter((entry) => pgids.includes(entry.pgrp) || pids.includes(entry.pid) || marked.has(entry.pid));
}

/** Polls `leftovers` until none remain or `timeoutMs` passes; returns the last list. */
export async function waitForNoLeftovers(pgids: readonly number[], pids: readonly number[], parentPid: number, timeoutMs: number): Promise<ProcessEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await leftovers(pgids, pids, parentPid);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
