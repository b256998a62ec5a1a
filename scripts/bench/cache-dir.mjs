/**
 * Where the bench keeps what it builds once and reuses (the tiny model, bench-only virtualenvs):
 * /var/cache/launch-local/<name> when writable (as CI caches it), else ~/.cache/launch-local/<name>.
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export function cacheDir(name) {
  try {
    mkdirSync("/var/cache/launch-local", { recursive: true });
    accessSync("/var/cache/launch-local", constants.W_OK);
    return join("/var/cache/launch-local", name);
  } catch {
    return join(homedir(), ".cache", "launch-local", name);
  }
}
