import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, REPO_ROOT } from "../helpers/cli-process.js";

const run = promisify(execFile);

/** Processes whose command line names this file's scratch folder (the server's port file is in it). */
function processesMentioning(text: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * The pytest plugin (python/pytest-launch-local) installed into a fresh virtualenv, as a user of
 * another repository would, running the README's example tests (examples/pytest).
 */
describe("the pytest plugin (pytest11 entry point: the launch_local fixture)", () => {
  let venv: string;
  beforeAll(async () => {
    venv = mkdtempSync(join(tmpdir(), "launch-local-pytest-venv-"));
    await run("python3", ["-m", "venv", venv]);
    // pytest and the build backend (flit_core) come from the pip index the machine is set up with.
    await run(join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", join(REPO_ROOT, "python", "pytest-launch-local")], {
      maxBuffer: 8 * 1024 * 1024,
    });
  }, 300_000);
  afterAll(() => rmSync(venv, { recursive: true, force: true }));

  it("starts launch-local for the session, resets it, and leaves no process behind", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "launch-local-pytest-run-"));
    const child = spawn(join(venv, "bin", "python"), ["-m", "pytest", "-q", "-p", "no:cacheprovider", join(REPO_ROOT, "examples", "pytest")], {
      cwd: scratch,
      // TMPDIR makes the plugin's scratch folder (and so the port-file argument) name this run.
      env: {
        ...process.env,
        LAUNCH_LOCAL_COMMAND: `${process.execPath} ${CLI}`,
        LAUNCH_LOCAL_LOG_LEVEL: "warn",
        PYTHONDONTWRITEBYTECODE: "1",
        TMPDIR: scratch,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(output).toMatch(/3 passed/);
    expect(code).toBe(0);
    expect(processesMentioning(scratch)).toEqual([]);
    rmSync(scratch, { recursive: true, force: true });
  }, 120_000);

  it("is what pytest lists as a plugin", async () => {
    const { stdout } = await run(join(venv, "bin", "python"), ["-m", "pytest", "--help"]);
    expect(stdout).toContain("--launch-local-command");
  });
});
