import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchLocal, startLaunchLocal } from "../../src/index.js";
import { REPO_ROOT } from "../helpers/cli-process.js";
import { findPython } from "../helpers/python.js";

let launch: LaunchLocal;

beforeAll(async () => {
  launch = await startLaunchLocal({ port: 0, ephemeral: true, runtime: "process", logLevel: "warn" });
});

afterAll(async () => {
  await launch.close();
});

describe("the official client's batch job flow (client-contract §6.5, §9 D), replayed by a Python script", () => {
  it("uploads the CSV, creates the job, polls it and reads JSON and PICKLE result files", async () => {
    const script = join(REPO_ROOT, "test", "e2e", "python", "batch_flow.py");
    const child = spawn(findPython(), [script, launch.url], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(output).toContain("batch flow: OK");
    expect(code).toBe(0);
  }, 240_000);
});
