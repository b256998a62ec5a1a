/**
 * launch-local as a user gets it: `npm pack` of this tree (dist/ already built), then
 * `npm install <tarball>` in an empty folder. Installing compiles better-sqlite3 (minutes on two
 * cores), so the dependencies of a finished install are kept in a cache keyed by the dependency
 * list and Node's ABI, and copied into the next empty folder first: npm then only adds the package.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "./cli-process.js";

const run = promisify(execFile);

export interface InstalledPackage {
  /** The `npm pack` tarball. */
  tarball: string;
  /** The npm project it was installed into (node_modules/launch-local inside). */
  appDir: string;
  /** Removes the folders (the dependency cache stays). */
  remove(): void;
}

function cacheRoot(): string {
  const shared = "/var/cache/launch-local";
  try {
    mkdirSync(shared, { recursive: true });
    accessSync(shared, constants.W_OK);
    return join(shared, "installed-package");
  } catch {
    return join(tmpdir(), "launch-local-installed-package");
  }
}

export async function installPackage(): Promise<InstalledPackage> {
  if (!existsSync(join(REPO_ROOT, "dist", "cli.bundle.mjs"))) throw new Error("dist/ is not built: run npm run build first");
  const work = mkdtempSync(join(tmpdir(), "launch-local-pack-"));
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], { cwd: REPO_ROOT });
  const tarball = join(work, stdout.trim().split("\n").pop() ?? "");
  const appDir = join(work, "app");
  mkdirSync(appDir);
  writeFileSync(join(appDir, "package.json"), JSON.stringify({ name: "empty-project", version: "1.0.0", private: true }));

  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  const key = createHash("sha256")
    .update(JSON.stringify(manifest.dependencies ?? {}))
    .update(process.versions.modules)
    .digest("hex")
    .slice(0, 16);
  const cached = join(cacheRoot(), key);
  if (existsSync(join(cached, "node_modules"))) {
    cpSync(join(cached, "node_modules"), join(appDir, "node_modules"), { recursive: true });
    rmSync(join(appDir, "node_modules", "launch-local"), { recursive: true, force: true });
  }
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], { cwd: appDir, maxBuffer: 16 * 1024 * 1024 });
  if (!existsSync(join(cached, "node_modules"))) saveDependencies(appDir, cached);
  return { tarball, appDir, remove: () => rmSync(work, { recursive: true, force: true }) };
}

/** Written beside the final name and renamed, so a reader never sees half a copy. */
function saveDependencies(appDir: string, cached: string): void {
  const partial = `${cached}.partial-${process.pid}`;
  mkdirSync(join(partial, "node_modules"), { recursive: true });
  for (const name of readdirSync(join(appDir, "node_modules"))) {
    if (name !== "launch-local" && name !== ".bin") cpSync(join(appDir, "node_modules", name), join(partial, "node_modules", name), { recursive: true });
  }
  try {
    renameSync(partial, cached);
  } catch {
    rmSync(partial, { recursive: true, force: true });
  }
}
