/**
 * `--pip-fallback` and build progress with the real pip and the machine's index: a pin the index
 * lacks fails the build by default, and with the option installs the nearest version, noted in the
 * creation logs; the terminal shows pip's progress while the build runs.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/domain/clock.js";
import { createLogger } from "../../src/domain/logger.js";
import { createVenvBuilder } from "../../src/runtime/process/venv-builder.js";

// toml: in the machine's index (0.10.2) but not installed on the host, so pip really downloads it.
const PIN = "toml==0.0.1";

describe("virtual environments with a pin the index does not have", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "launch-local-pip-fallback-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const builder = (pipFallback: boolean, terminal: string[] = []) =>
    createVenvBuilder({
      dataDir,
      python: "python3",
      env: process.env,
      logger: createLogger("info", (line) => terminal.push(line), "json"),
      clock: systemClock,
      pipFallback,
    });

  it("fails the build by default, as the real platform would", async () => {
    await expect(builder(false).pythonFor([PIN], () => undefined)).rejects.toThrow(/toml==0\.0\.1/);
  });

  it("installs the nearest available version with --pip-fallback, says so, and shows progress as it goes", async () => {
    const creationLogs: string[] = [];
    const terminal: string[] = [];
    const python = await builder(true, terminal).pythonFor([PIN], (line) => creationLogs.push(line));
    const substitution = creationLogs.find((line) => line.startsWith("Substituted toml=="));
    expect(substitution).toMatch(/^Substituted toml==\d+\.\d+\.\d+ for toml==0\.0\.1, which the index does not have \(--pip-fallback/);
    const installed = execFileSync(python, ["-c", "import toml; print(toml.__version__)"]).toString().trim();
    expect(substitution).toContain(`toml==${installed} `);

    const progress = terminal.map((line) => JSON.parse(line) as { component?: string; msg: string }).filter((entry) => entry.component === "build");
    const messages = progress.map((entry) => entry.msg.replace(/^environment \w+: /, ""));
    // From a local index pip says "Processing <wheel>" rather than "Collecting"; either is progress.
    const order = [
      "Building a virtual environment",
      "Substituted toml==",
      "Installing collected packages: toml",
      "Successfully installed toml",
      "Virtual environment ready",
    ];
    const positions = order.map((start) => messages.findIndex((msg) => msg.startsWith(start)));
    expect(
      positions.every((position) => position >= 0),
      messages.join("\n"),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(messages.some((msg) => msg.startsWith("Substituted toml=="))).toBe(true);
  });
});
