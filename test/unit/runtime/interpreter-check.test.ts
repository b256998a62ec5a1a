import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/domain/clock.js";
import { checkWorkerInterpreter, interpreterWarning } from "../../../src/runtime/process/interpreter-check.js";

/** The start-up check of `--python` (runtime/process/interpreter-check.ts), with real interpreters. */
const WORKER_DIR = "src/worker";
const scratch = mkdtempSync(join(tmpdir(), "launch-local-interpreter-check-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const check = (python: string) => checkWorkerInterpreter({ python, workerDir: WORKER_DIR, env: process.env, clock: systemClock });

describe("checkWorkerInterpreter", () => {
  it("passes an interpreter that imports the worker server", async () => {
    await expect(check("python3").problem).resolves.toBeNull();
  });

  it("names the module a fresh virtual environment lacks, and the warning says how to install it", async () => {
    const venv = join(scratch, "bare");
    execFileSync("python3", ["-m", "venv", "--without-pip", venv]);
    const python = join(venv, "bin", "python");
    const problem = await check(python).problem;
    expect(problem).toEqual({
      kind: "incomplete",
      detail: expect.stringMatching(/^ModuleNotFoundError: No module named 'cloudpickle' \(Python 3\.\d+\.\d+ at .*bare\/bin\/python\)$/) as unknown,
    });
    if (problem === null) throw new Error("no problem found");
    expect(interpreterWarning(python, problem)).toContain(`cannot run the worker server: ModuleNotFoundError: No module named 'cloudpickle'`);
    expect(interpreterWarning(python, problem)).toContain(`install it (${python} -m pip install cloudpickle)`);
  });

  it("tells an interpreter that cannot be run at all", async () => {
    const missing = join(scratch, "no-such-python");
    const problem = await check(missing).problem;
    expect(problem).toEqual({ kind: "unrunnable", detail: `spawn ${missing} ENOENT` });
    if (problem === null) throw new Error("no problem found");
    expect(interpreterWarning(missing, problem)).toMatch(/could not be run \(spawn .* ENOENT\): nothing can run as a local process/);
    // Not Python: it exits without the check's answer.
    await expect(check("false").problem).resolves.toEqual({ kind: "unrunnable", detail: "it exited with code 1" });
  });

  it("ends a check that is still running when cancelled", async () => {
    const hanging = join(scratch, "hanging-python");
    writeFileSync(hanging, "#!/bin/sh\nexec sleep 600\n");
    chmodSync(hanging, 0o755);
    const running = check(hanging);
    running.cancel();
    await expect(running.problem).resolves.toBeNull();
  });
});
