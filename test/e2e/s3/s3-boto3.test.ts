import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/test-app.js";
import { repoRoot, runPython } from "../../helpers/python.js";

/** The S3-compatible door driven by real boto3 (README "S3-compatible API"). */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app.close();
});

const script = (name: string): string => join(repoRoot, "test", "e2e", "s3", name);

describe("boto3 against /_launch_local/s3", () => {
  it("puts, gets, heads, lists, copies and deletes objects with the blob store's owner rules and S3's errors", async () => {
    const result = await runPython([script("s3_objects_flow.py"), `${app.url}/_launch_local/s3`]);
    expect(result.stderr + result.stdout).toContain("s3 objects flow: OK");
    expect(result.code).toBe(0);
  }, 120_000);

  it("uploads in parts (s3transfer and the low-level calls), downloads in ranges, and takes aws-chunked bodies with trailing checksums", async () => {
    const scratch = await mkdtemp(join(tmpdir(), "launch-local-s3-"));
    try {
      const result = await runPython([script("s3_multipart_flow.py"), `${app.url}/_launch_local/s3`, scratch]);
      expect(result.stderr + result.stdout).toContain("s3 multipart flow: OK");
      expect(result.code).toBe(0);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }, 180_000);
});
