import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchLocal, startLaunchLocal } from "../../../src/index.js";
import { repoRoot, runPython } from "../../helpers/python.js";

/** The S3 door and the Launch routes on the same objects, with real Python workers (README "S3-compatible API"). */
let launch: LaunchLocal;
beforeAll(async () => {
  launch = await startLaunchLocal({ port: 0, ephemeral: true, runtime: "process", logLevel: "warn" });
});
afterAll(async () => {
  await launch.close();
});

describe("boto3 and the Launch routes on the same objects", () => {
  it("deploys a bundle put with boto3, serves a worker that reads s3:// with boto3 as its owner, and reads a batch job's result with get_object", async () => {
    const result = await runPython([join(repoRoot, "test", "e2e", "s3", "s3_launch_flow.py"), launch.url]);
    expect(result.stderr + result.stdout).toContain("s3 launch flow: OK");
    expect(result.code).toBe(0);
  }, 300_000);
});
