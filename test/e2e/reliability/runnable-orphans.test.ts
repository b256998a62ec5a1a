/**
 * A runnable image's command runs as a host process under the process runtime. When launch-local is
 * SIGKILLed it cannot stop it, so the command is started through src/worker/exec_with_parent.py,
 * whose parent-death signal ends it: no orphan keeps the port.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliProcess, readPortFile, startCli, waitFor } from "../../helpers/cli-process.js";
import { LaunchHttp } from "../../helpers/launch-http.js";
import { echoServerPath, findPython } from "../../helpers/python.js";

const scratch = mkdtempSync(join(tmpdir(), "launch-local-orphans-"));
let cli: CliProcess | undefined;

afterAll(async () => {
  if (cli && cli.child.exitCode === null && cli.child.signalCode === null) {
    cli.child.kill("SIGKILL");
    await cli.exited;
  }
  rmSync(scratch, { recursive: true, force: true });
});

/** A zombie (reaped later by init) counts as gone. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

describe("runnable-image commands do not outlive a SIGKILLed launch-local", () => {
  it("ends the user's server when the gateway dies", async () => {
    const portFile = join(scratch, "port");
    cli = startCli(["--port", "0", "--port-file", portFile, "--data-dir", join(scratch, "data"), "--runtime", "process", "--log-level", "warn"]);
    const port = await waitFor(() => readPortFile(portFile), 20_000, "the port file");
    const http = new LaunchHttp(`http://127.0.0.1:${port}`);
    const command = [findPython(), echoServerPath, "--port", "5005"];
    const { model_bundle_id } = await http.ok<{ model_bundle_id: string }>("POST", "/v2/model-bundles", {
      name: "echo",
      schema_location: "s3://launch-local/none",
      flavor: { flavor: "runnable_image", repository: "echo", tag: "local", command, protocol: "http", readiness_initial_delay_seconds: 0 },
    });
    const endpointId = await http.createEndpoint("echo", model_bundle_id, { endpoint_type: "sync" });
    await http.waitForWorkers(endpointId, 30_000);
    const { workers } = await http.ok<{ workers: { pid: number | null }[] }>("GET", `/_launch_local/endpoints/${endpointId}/workers`);
    const pid = workers[0]?.pid;
    if (typeof pid !== "number") throw new Error(`no worker pid: ${JSON.stringify(workers)}`);
    expect(isRunning(pid)).toBe(true);

    cli.child.kill("SIGKILL");
    await cli.exited;
    await waitFor(() => (isRunning(pid) ? null : true), 10_000, `worker ${pid} to end`);
  }, 60_000);
});
