import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createInstance, type Instance } from "../../src/instance.js";
import { createFakeRuntime } from "../helpers/fake-runtime.js";

/**
 * The data dir holds the signing secret and every user's blobs: it is 0700 and its files 0600,
 * whatever the umask, and an older, world-readable data dir is narrowed at start (README "Trust model").
 */
const instances: Instance[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(instances.splice(0).map((instance) => instance.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

const open = async (dataDir: string): Promise<Instance> => {
  const runtime = createFakeRuntime();
  const instance = await createInstance({ port: 0, dataDir, logLevel: "silent" }, { runtime: () => runtime });
  instances.push(instance);
  return instance;
};

describe("the data dir's file modes", () => {
  it("creates the data dir 0700 and the database, its WAL, the lock and the blobs 0600 under a permissive umask", async () => {
    const parent = mkdtempSync(join(tmpdir(), "launch-local-modes-"));
    dirs.push(parent);
    const dataDir = join(parent, "data");
    const umask = process.umask(0o022);
    let instance: Instance;
    try {
      instance = await open(dataDir);
    } finally {
      process.umask(umask);
    }
    const put = await fetch(`${instance.url}/_launch_local/blobs?location=s3://launch-local/alice/model.pkl`, {
      method: "PUT",
      body: "secret weights",
      headers: { Authorization: "Bearer alice" },
    });
    expect(put.status).toBe(200);
    expect(modeOf(dataDir)).toBe("700");
    for (const file of ["launch-local.sqlite", "launch-local.sqlite-wal", "launch-local.sqlite-shm", "launch-local.lock", "launch-local.pid"]) {
      expect([file, modeOf(join(dataDir, file))]).toEqual([file, "600"]);
    }
    expect(modeOf(join(dataDir, "blobs", "launch-local", "alice"))).toBe("700");
    expect(modeOf(join(dataDir, "blobs", "launch-local", "alice", "model.pkl"))).toBe("600");
  });

  it("narrows a world-readable data dir an older version left", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "launch-local-modes-old-"));
    dirs.push(dataDir);
    chmodSync(dataDir, 0o755);
    // An empty database with an empty WAL and shared-memory file, as an older version left them.
    for (const file of ["launch-local.sqlite", "launch-local.sqlite-wal", "launch-local.sqlite-shm"]) writeFileSync(join(dataDir, file), "", { mode: 0o644 });
    await open(dataDir);
    expect(modeOf(dataDir)).toBe("700");
    expect(modeOf(join(dataDir, "launch-local.sqlite"))).toBe("600");
    expect(modeOf(join(dataDir, "launch-local.sqlite-wal"))).toBe("600");
    expect(modeOf(join(dataDir, "launch-local.sqlite-shm"))).toBe("600");
  });
});
