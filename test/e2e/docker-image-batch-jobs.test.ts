/**
 * Docker-image batch jobs end to end on the process runtime (server-contract.md §2.5, §6.2): a real
 * Python command reads `job_config` from its mount file, its exit code becomes the status, cancel
 * ends the process, and a job running when the server is SIGKILLed is FAILURE after a restart, its
 * process ended.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliProcess, readPortFile, startCli, waitFor } from "../helpers/cli-process.js";
import { findPython } from "../helpers/python.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { LABELS, createDockerBundle, createJob, jobLogs, waitForStatus } from "../integration/docker-image-batch-jobs-app.js";

const scratch = mkdtempSync(join(tmpdir(), "launch-local-di-jobs-"));
let app: TestApp;

/** Reads the config from argv (the rewritten mount path) and checks the env names the same file. */
const READ_CONFIG = `
import json, os, sys
path = sys.argv[1]
assert path == os.environ["LAUNCH_JOB_CONFIG_PATH"], (path, os.environ["LAUNCH_JOB_CONFIG_PATH"])
text = open(path).read()
print("raw:" + text)
config = json.loads(text)
print("greeting:", os.environ["GREETING"], "job:", os.environ["LAUNCH_JOB_ID"])
sys.exit(config["exit_code"])
`;

/** Writes its pid where the config says, then sleeps. */
const SLEEPER = `
import json, os, sys, time
config = json.load(open(os.environ["LAUNCH_JOB_CONFIG_PATH"]))
with open(config["pid_file"], "w") as f:
    f.write(str(os.getpid()))
time.sleep(120)
`;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const readPid = (file: string): Promise<number> =>
  waitFor(() => (existsSync(file) && readFileSync(file, "utf8") !== "" ? Number(readFileSync(file, "utf8")) : null), 20_000, `pid file ${file}`);

beforeAll(async () => {
  app = await createTestApp();
});

afterAll(async () => {
  await app.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("docker-image batch jobs on the process runtime", () => {
  it("writes job_config as Python JSON to the mapped mount_location; exit 0 → SUCCESS, 1 → FAILURE", async () => {
    const bundle = await createDockerBundle(app, {
      name: "reader",
      command: [findPython(), "-c", READ_CONFIG, "/restricted_launch/batch_payload.json"],
      env: { GREETING: "hi", LAUNCH_JOB_ID: "the bundle cannot override this" },
    });
    const ok = await createJob(app, { docker_image_batch_job_bundle_id: bundle, job_config: { exit_code: 0, name: "café", ratio: 0.5 } });
    expect(await waitForStatus(app, ok, ["SUCCESS", "FAILURE"])).toBe("SUCCESS");
    const lines = (await jobLogs(app, ok)).lines;
    expect(lines).toContain('raw:{"exit_code": 0, "name": "caf\\u00e9", "ratio": 0.5}');
    expect(lines).toContain(`greeting: hi job: ${ok}`);

    const failing = await createJob(app, { docker_image_batch_job_bundle_id: bundle, job_config: { exit_code: 1 } });
    expect(await waitForStatus(app, failing, ["SUCCESS", "FAILURE"])).toBe("FAILURE");
  });

  it("honours a custom mount_location", async () => {
    const bundle = await createDockerBundle(app, {
      name: "custom-mount",
      mount_location: "/config/job.json",
      command: [findPython(), "-c", READ_CONFIG, "/config/job.json"],
      env: { GREETING: "hey" },
    });
    const id = await createJob(app, { docker_image_batch_job_bundle_id: bundle, job_config: { exit_code: 0 } });
    expect(await waitForStatus(app, id, ["SUCCESS", "FAILURE"])).toBe("SUCCESS");
  });

  it("cancel ends the job's process and deletes the job", async () => {
    const bundle = await createDockerBundle(app, { name: "sleeper", command: [findPython(), "-c", SLEEPER] });
    const pidFile = join(scratch, "cancel.pid");
    const id = await createJob(app, { docker_image_batch_job_bundle_id: bundle, job_config: { pid_file: pidFile } });
    const pid = await readPid(pidFile);
    expect(isAlive(pid)).toBe(true);
    await request(app.url).put(`/v1/docker-image-batch-jobs/${id}`).set("authorization", app.auth()).send({ cancel: true }).expect(200);
    await waitFor(() => (isAlive(pid) ? null : true), 10_000, "the cancelled job's process to end");
    await request(app.url).get(`/v1/docker-image-batch-jobs/${id}`).set("authorization", app.auth()).expect(404);
  });
});

describe("a restart after a crash", () => {
  const dataDir = join(scratch, "state");
  const clis: CliProcess[] = [];

  async function startServer(name: string): Promise<string> {
    const portFile = join(scratch, `${name}.port`);
    const cli = startCli(["--port", "0", "--port-file", portFile, "--data-dir", dataDir, "--runtime", "process", "--log-level", "warn"]);
    clis.push(cli);
    const port = await waitFor(() => readPortFile(portFile), 20_000, `${name} port file`);
    return `http://127.0.0.1:${port}`;
  }

  afterAll(async () => {
    for (const cli of clis) {
      if (cli.child.exitCode === null && cli.child.signalCode === null) {
        cli.child.kill("SIGTERM");
        await cli.exited;
      }
    }
  });

  it("marks a job that was RUNNING as FAILURE with a reason and ends its leftover process", async () => {
    const auth = `Basic ${Buffer.from("me:").toString("base64")}`;
    const first = await startServer("first");
    const created = await request(first)
      .post("/v1/docker-image-batch-job-bundles")
      .set("authorization", auth)
      .send({ name: "sleeper", image_repository: "r", image_tag: "t", command: [findPython(), "-c", SLEEPER], resource_requests: { cpus: "1", memory: "1Gi" } })
      .expect(200);
    const bundleId = (created.body as { docker_image_batch_job_bundle_id: string }).docker_image_batch_job_bundle_id;
    const pidFile = join(scratch, "crash.pid");
    const job = await request(first)
      .post("/v1/docker-image-batch-jobs")
      .set("authorization", auth)
      .send({ docker_image_batch_job_bundle_id: bundleId, labels: LABELS, job_config: { pid_file: pidFile } })
      .expect(200);
    const jobId = (job.body as { job_id: string }).job_id;
    const pid = await readPid(pidFile);
    await waitFor(
      async () => ((await request(first).get(`/v1/docker-image-batch-jobs/${jobId}`).set("authorization", auth)).body.status === "RUNNING" ? true : null),
      10_000,
      "RUNNING",
    );

    const firstCli = clis[0];
    if (!firstCli) throw new Error("no first server");
    firstCli.child.kill("SIGKILL");
    await firstCli.exited;
    // The job runs in its own process group, so it outlives the server.
    expect(isAlive(pid)).toBe(true);

    const second = await startServer("second");
    const status = await request(second).get(`/v1/docker-image-batch-jobs/${jobId}`).set("authorization", auth).expect(200);
    expect(status.body).toEqual({ status: "FAILURE" });
    const logs = await request(second).get(`/_launch_local/docker-image-batch-jobs/${jobId}/logs`).set("authorization", auth).expect(200);
    expect((logs.body as { status_reason: string }).status_reason).toContain("launch-local stopped while the job was running");
    await waitFor(() => (isAlive(pid) ? null : true), 10_000, "the leftover job process to end");
  }, 120_000);
});
