import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startCli } from "../../helpers/cli-process.js";
import { startServer } from "./server.js";

/**
 * Issue 13 item 10: a second launch-local on a data dir in use exits 2 with "data dir … in use by
 * pid N", and the first keeps serving; after a SIGKILL of the holder, the next start takes the
 * data dir over and serves its endpoints.
 */
const scratch = mkdtempSync(join(tmpdir(), "launch-local-lock-e2e-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("two instances on one data dir", () => {
  it("exits 2 naming the holder, and takes over a SIGKILLed holder's lock", async () => {
    const first = await startServer(scratch);
    try {
      const endpoints = await first.http.ok<{ model_endpoints: unknown[] }>("GET", "/v1/model-endpoints");
      expect(endpoints.model_endpoints).toEqual([]);
      const second = startCli(["--port", "0", "--data-dir", join(scratch, "state"), "--runtime", "process"]);
      expect((await second.exited).code).toBe(2);
      expect(second.stderr()).toContain(`data dir ${join(scratch, "state")} in use by pid ${first.pid}`);
      expect((await first.http.call("GET", "/healthz")).status).toBe(200);
    } finally {
      await first.kill();
    }
    const third = await startServer(scratch);
    try {
      expect((await third.http.call("GET", "/v1/model-endpoints")).status).toBe(200);
    } finally {
      expect(await third.stop()).toBe(0);
    }
  }, 60_000);
});
