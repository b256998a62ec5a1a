import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchLocal, startLaunchLocal } from "../../src/index.js";
import { REPO_ROOT } from "../helpers/cli-process.js";

let launch: LaunchLocal;

beforeAll(async () => {
  launch = await startLaunchLocal({ port: 0, ephemeral: true, runtime: "process", logLevel: "warn" });
});

afterAll(async () => {
  await launch.close();
  await launch.close(); // idempotent
});

describe("the official client's documented flow (client-contract §9), replayed by a Python script", () => {
  it("uploads, deploys sync/async/streaming endpoints, predicts, reads logs and deletes", async () => {
    const script = join(REPO_ROOT, "test", "e2e", "python", "client_flow.py");
    const echoServer = join(REPO_ROOT, "fixtures", "runnable", "echo_server.py");
    const child = spawn("python3", [script, launch.url, echoServer], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(output).toContain("client flow: OK");
    expect(code).toBe(0);
  }, 240_000);
});
