import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunnableFlavor, StreamingFlavor } from "../../../src/domain/bundle.js";
import { findExecutable, rewritePortArgs, runnableArgv, runnableCommandProblem } from "../../../src/runtime/process/runnable-command.js";

const runnable = (command: string[]): RunnableFlavor => ({
  flavor: "runnable_image",
  repository: "repo",
  tag: "tag",
  command,
  predict_route: "/predict",
  healthcheck_route: "/readyz",
  env: null,
  protocol: "http",
  readiness_initial_delay_seconds: 120,
  extra_routes: [],
  routes: [],
  forwarder_type: "default",
  worker_command: null,
  worker_env: null,
});

describe("rewritePortArgs", () => {
  it("replaces a bare 5005 token", () => {
    expect(rewritePortArgs(["python3", "server.py", "--port", "5005"], 41234)).toEqual(["python3", "server.py", "--port", "41234"]);
  });

  it("replaces =5005 and :5005 inside tokens", () => {
    expect(rewritePortArgs(["--port=5005", "--bind", "0.0.0.0:5005", "http://localhost:5005/x"], 40000)).toEqual([
      "--port=40000",
      "--bind",
      "0.0.0.0:40000",
      "http://localhost:40000/x",
    ]);
  });

  it("replaces $PORT and ${PORT}", () => {
    expect(rewritePortArgs(["$PORT", "${PORT}", "--port=$PORT", "$PORTABLE"], 40001)).toEqual(["40001", "40001", "--port=40001", "$PORTABLE"]);
  });

  it("leaves other numbers alone", () => {
    expect(rewritePortArgs(["50051", "--port=50051", "15005", "--workers", "5"], 40002)).toEqual(["50051", "--port=50051", "15005", "--workers", "5"]);
  });

  it("rewrites a standalone 5005 word inside a shell script token", () => {
    expect(rewritePortArgs(["/bin/sh", "-c", "exec python3 s.py --port 5005 --x 50051"], 40003)).toEqual([
      "/bin/sh",
      "-c",
      "exec python3 s.py --port 40003 --x 50051",
    ]);
  });
});

describe("runnableArgv", () => {
  it("uses command, or streaming_command when a streaming bundle has no command", () => {
    expect(runnableArgv(runnable(["a", "b"]))).toEqual(["a", "b"]);
    const streaming: StreamingFlavor = {
      ...runnable([]),
      flavor: "streaming_enhanced_runnable_image",
      streaming_command: ["s", "t"],
      streaming_predict_route: "/stream",
    };
    expect(runnableArgv(streaming)).toEqual(["s", "t"]);
    expect(runnableArgv({ ...streaming, command: ["c"] })).toEqual(["c"]);
  });
});

describe("findExecutable / runnableCommandProblem", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ll-exe-"));
    await writeFile(join(dir, "tool"), "#!/bin/sh\n");
    await chmod(join(dir, "tool"), 0o755);
    await writeFile(join(dir, "plain"), "not executable");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("searches PATH for bare names and resolves paths against cwd", async () => {
    expect(await findExecutable("tool", { PATH: `/nonexistent:${dir}` }, "/")).toBe(join(dir, "tool"));
    expect(await findExecutable("./tool", {}, dir)).toBe(join(dir, "tool"));
    expect(await findExecutable("plain", { PATH: dir }, "/")).toBeNull();
    expect(await findExecutable("tool", { PATH: "" }, "/")).toBeNull();
  });

  it("explains a missing executable or an empty command", async () => {
    expect(await runnableCommandProblem(runnable(["tool"]), { PATH: dir }, "/")).toBeNull();
    expect(await runnableCommandProblem(runnable(["nope-xyz"]), { PATH: dir }, "/")).toMatch(/"nope-xyz" was not found on PATH/);
    expect(await runnableCommandProblem(runnable(["/no/such/file"]), { PATH: dir }, "/")).toMatch(/does not exist/);
    expect(await runnableCommandProblem(runnable([]), { PATH: dir }, "/")).toMatch(/command is empty/);
  });
});
