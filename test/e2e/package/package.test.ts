import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, readPortFile, waitFor } from "../../helpers/cli-process.js";
import { type InstalledPackage, installPackage } from "../../helpers/installed-package.js";
import { shouldRunDockerTests } from "../docker/docker-harness.js";

const run = promisify(execFile);
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

/** The package as published (issue 16 item 5): `npm pack`, installed in an empty folder, run with npx. */
let installed: InstalledPackage;
beforeAll(async () => {
  installed = await installPackage();
}, 1_800_000);
afterAll(() => installed?.remove());

describe("the npm tarball", () => {
  it("ships no source map whose sources are missing, and what the exports map names", async () => {
    const { stdout } = await run("tar", ["-tzf", installed.tarball]);
    const files = new Set(
      stdout
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => line.replace(/^package\//, "")),
    );
    expect([...files].filter((file) => file.endsWith(".map"))).toEqual([]);
    for (const file of [
      "bin/launch-local.js",
      "dist/cli.bundle.mjs",
      "dist/index.js",
      "dist/index.d.ts",
      "src/worker/server.py",
      "static/docs/docs.js",
      "package.json",
    ]) {
      expect(files.has(file), file).toBe(true);
    }
    expect([...files].filter((file) => file.startsWith("src/") && !file.startsWith("src/worker/"))).toEqual([]);
  });

  it("runs with npx in the project it was installed into", async () => {
    const { stdout } = await run("npx", ["--no-install", "launch-local", "--version"], { cwd: installed.appDir });
    expect(stdout.trim()).toBe(VERSION);
    const dir = mkdtempSync(join(tmpdir(), "launch-local-npx-"));
    const portFile = join(dir, "port");
    // npx does not pass signals on (issue 13 item 9): stop its whole process group.
    const child = spawn("npx", ["--no-install", "launch-local", "--port", "0", "--port-file", portFile, "--ephemeral", "--runtime", "process"], {
      cwd: installed.appDir,
      detached: true,
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      const port = await waitFor(() => readPortFile(portFile), 60_000, "the port file");
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { info: Record<string, string> };
      expect(doc.info["x-launch-local-version"]).toBe(VERSION);
      const script = await fetch(`${base}/_launch_local/static/docs/docs.js`);
      expect(script.status).toBe(200);
      const listed = await fetch(`${base}/v1/model-endpoints`, { headers: { authorization: `Basic ${Buffer.from("me:").toString("base64")}` } });
      expect(await listed.json()).toEqual({ model_endpoints: [] });
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exports startLaunchLocal and nothing deeper", async () => {
    const script = [
      'import { startLaunchLocal } from "launch-local";',
      'const launch = await startLaunchLocal({ port: 0, ephemeral: true, runtime: "process", logLevel: "silent" });',
      "const ready = await fetch(`${launch.url}/readyz`);",
      "await launch.close();",
      'let deep = "exported";',
      'try { await import("launch-local/dist/instance.js"); } catch (error) { deep = error.code; }',
      "console.log(JSON.stringify({ status: ready.status, deep }));",
    ].join("\n");
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: installed.appDir });
    expect(JSON.parse(stdout.trim())).toEqual({ status: 200, deep: "ERR_PACKAGE_PATH_NOT_EXPORTED" });
  });
});

describe.runIf(shouldRunDockerTests)("the Docker image (Dockerfile, scripts/docker/build-image.sh)", () => {
  const tag = `launch-local:e2e-${process.pid}`;
  let container = "";

  afterAll(async () => {
    if (container !== "") await run("docker", ["rm", "-f", container]).catch(() => undefined);
    await run("docker", ["rmi", "-f", tag]).catch(() => undefined);
  });

  it("builds from the installed package and turns healthy on /readyz", async () => {
    await run("bash", [join(REPO_ROOT, "scripts/docker/build-image.sh"), "--app", installed.appDir, "--tag", tag], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const started = await run("docker", ["run", "-d", "--rm", "-p", "127.0.0.1::5001", "--health-interval=1s", "--health-start-period=30s", tag]);
    container = started.stdout.trim();
    const health = await waitFor(
      async () => {
        const { stdout } = await run("docker", ["inspect", "--format", "{{.State.Health.Status}}", container]);
        const status = stdout.trim();
        if (status === "unhealthy") throw new Error(`the container is unhealthy: ${(await run("docker", ["logs", container])).stderr}`);
        return status === "healthy" ? status : null;
      },
      60_000,
      "a healthy container",
    );
    expect(health).toBe("healthy");
    const { stdout } = await run("docker", ["port", container, "5001"]);
    const port = stdout.trim().split("\n")[0]?.split(":").pop();
    const info = await fetch(`http://127.0.0.1:${port}/_launch_local/info`, { headers: { authorization: `Basic ${Buffer.from("me:").toString("base64")}` } });
    expect(await info.json()).toMatchObject({ version: VERSION, runtime: "process", data_dir: "/data" });
  });
});
