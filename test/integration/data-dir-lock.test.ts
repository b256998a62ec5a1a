import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/options.js";
import { createInstance, type Instance } from "../../src/instance.js";
import { createFakeRuntime } from "../helpers/fake-runtime.js";

/** Issue 13 item 10, in one process: a second instance on a data dir in use fails to start, and starts once the first is closed. */
const instances: Instance[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(instances.splice(0).map((instance) => instance.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const open = async (dataDir: string): Promise<Instance> => {
  const runtime = createFakeRuntime();
  const instance = await createInstance({ port: 0, dataDir, logLevel: "silent" }, { runtime: () => runtime });
  instances.push(instance);
  return instance;
};

describe("the data dir lock", () => {
  it("refuses a second instance on the same data dir, naming the holder's pid, and leaves the first serving", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "launch-local-lock-"));
    dirs.push(dataDir);
    const first = await open(dataDir);
    const second = open(dataDir);
    await expect(second).rejects.toBeInstanceOf(ConfigError);
    await expect(second).rejects.toThrow(`data dir ${dataDir} in use by pid ${process.pid}`);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    await first.close();
    const third = await open(dataDir);
    expect((await fetch(`${third.url}/healthz`)).status).toBe(200);
  });
});
