import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planJobMount } from "../../../src/runtime/process/job-mount.js";

const JOB_DIR = "/data/jobs/ft-1";
const HOST_DIR = join(JOB_DIR, "mount");

describe("planJobMount (§6.2)", () => {
  it("maps the mount directory into the job folder and rewrites argv mentions of it", () => {
    const mount = planJobMount(JOB_DIR, "/restricted_launch/batch_payload.json", [
      "python",
      "job.py",
      "/restricted_launch/batch_payload.json",
      "--config=/restricted_launch/batch_payload.json",
      "--out",
      "/restricted_launch/out/result.txt",
      "sh -c 'cat /restricted_launch/batch_payload.json'",
      "/restricted_launch",
      "/restricted_launch2/x",
      "/other/restricted_launch/x",
    ]);
    expect(mount.hostFile).toBe(join(HOST_DIR, "batch_payload.json"));
    expect(mount.argv).toEqual([
      "python",
      "job.py",
      `${HOST_DIR}/batch_payload.json`,
      `--config=${HOST_DIR}/batch_payload.json`,
      "--out",
      `${HOST_DIR}/out/result.txt`,
      `sh -c 'cat ${HOST_DIR}/batch_payload.json'`,
      HOST_DIR,
      "/restricted_launch2/x",
      "/other/restricted_launch/x",
    ]);
  });

  it("rewrites only the file itself when it sits in the root", () => {
    const mount = planJobMount(JOB_DIR, "/payload.json", ["cat", "/payload.json", "/etc/hosts"]);
    expect(mount.hostFile).toBe(join(HOST_DIR, "payload.json"));
    expect(mount.argv).toEqual(["cat", join(HOST_DIR, "payload.json"), "/etc/hosts"]);
  });

  it("leaves `$` in paths alone", () => {
    const mount = planJobMount("/data/$jobs", "/m/p.json", ["cat", "/m/p.json"]);
    expect(mount.argv).toEqual(["cat", "/data/$jobs/mount/p.json"]);
  });
});
