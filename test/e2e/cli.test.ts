import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliProcess, readPortFile, startCli, waitFor } from "../helpers/cli-process.js";

const scratch = mkdtempSync(join(tmpdir(), "launch-local-cli-"));
const started: CliProcess[] = [];

afterAll(async () => {
  for (const cli of started) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill("SIGKILL");
      await cli.exited;
    }
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe("the launch-local command", () => {
  it("starts on a free port, writes the port file, prints one ready line and stops on SIGTERM", async () => {
    const portFile = join(scratch, "port");
    const cli = startCli(["--port", "0", "--port-file", portFile, "--ephemeral", "--runtime", "process", "--log-level", "warn"]);
    started.push(cli);
    const port = await waitFor(() => readPortFile(portFile), 15_000, "the port file");
    await waitFor(() => (cli.stdout().includes("ready at") ? true : null), 5_000, "the ready line");
    const lines = cli.stdout().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`ready at http://127.0.0.1:${port}`);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("");
    const info = (await (await fetch(`http://127.0.0.1:${port}/_launch_local/info`, { headers: { authorization: "Bearer me" } })).json()) as {
      data_dir: string;
    };
    expect(existsSync(info.data_dir)).toBe(true);

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(info.data_dir)).toBe(false);
  });

  it("refuses a busy explicit port instead of moving to another", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const cli = startCli(["--port", String(port), "--ephemeral", "--runtime", "process"]);
      started.push(cli);
      const exit = await cli.exited;
      expect(exit.code).toBe(2);
      expect(cli.stderr()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(cli.stdout()).toBe("");
    } finally {
      blocker.close();
    }
  });

  it("rejects unknown options with a clear message", async () => {
    const cli = startCli(["--prot", "1"]);
    started.push(cli);
    expect((await cli.exited).code).toBe(2);
    expect(cli.stderr()).toContain("Unknown option --prot");
  });
});
