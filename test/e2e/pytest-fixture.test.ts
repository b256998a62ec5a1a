import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, REPO_ROOT } from "../helpers/cli-process.js";

describe("the README's pytest fixture (examples/pytest)", () => {
  it("starts launch-local through the CLI, runs tests against it and stops it", async () => {
    const child = spawn("python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider", join(REPO_ROOT, "examples", "pytest")], {
      env: { ...process.env, LAUNCH_LOCAL_COMMAND: `${process.execPath} ${CLI}`, LAUNCH_LOCAL_LOG_LEVEL: "warn", PYTHONDONTWRITEBYTECODE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(output).toMatch(/2 passed/);
    expect(code).toBe(0);
  }, 60_000);
});
