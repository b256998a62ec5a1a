/**
 * Signals and liveness for a worker's process group (each worker is spawned detached, so its pid
 * is also its group id and everything it forks shares the group).
 */
import { readFile, readdir } from "node:fs/promises";
import type { Clock } from "../../domain/clock.js";

export function signalGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** State and group of one /proc/<pid>/stat line; the command name may contain spaces and parens. */
export function parseProcStat(stat: string): { state: string; pgrp: number } | null {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const pgrp = Number(fields[2]);
  return state !== undefined && Number.isInteger(pgrp) ? { state, pgrp } : null;
}

/**
 * Whether any member of the group still runs. Killed members stay zombies until their parent (init,
 * for orphans) reaps them, which some inits do late; zombies run nothing, so on Linux they do not
 * count. Elsewhere any member does.
 */
export async function hasLiveMembers(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let pids: string[];
  try {
    pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  const stats = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")));
  return stats.some((stat) => {
    const parsed = stat ? parseProcStat(stat) : null;
    return parsed !== null && parsed.pgrp === pgid && parsed.state !== "Z" && parsed.state !== "X";
  });
}

/** Polls until no member of the group runs, at most `limitMs` (SIGKILLed members die promptly). */
export async function waitForGroupGone(pgid: number | undefined, clock: Clock, limitMs = 1000, pollMs = 10): Promise<void> {
  if (pgid === undefined) return;
  const deadline = clock.now() + limitMs;
  while ((await hasLiveMembers(pgid)) && clock.now() < deadline) await clock.sleep(pollMs);
}
