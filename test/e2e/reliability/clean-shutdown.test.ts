import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createInstance, type Instance } from "../../../src/instance.js";
import { waitFor } from "../../helpers/cli-process.js";
import { buildPickle, LaunchHttp } from "../../helpers/launch-http.js";
import { findPython } from "../../helpers/python.js";
import { descendantsOf, live, processTable, waitForNoLeftovers } from "./proc-table.js";
import { ECHO_SOURCE, startServer } from "./server.js";

/**
 * Clean shutdown (issue 6 item 3): after close() or SIGTERM no process started by the instance remains
 * (checked in /proc: the workers, their process groups, anything naming the instance as its parent),
 * and a second instance on the same data dir starts cleanly and serves the same endpoints.
 */
const scratch = mkdtempSync(join(tmpdir(), "launch-local-shutdown-"));

// A user server that ignores SIGTERM, started by a shell that also leaves a `sleep` behind: the
// process group must be killed as a whole, after the grace period.
const STUBBORN_SERVER = `
import signal, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
signal.signal(signal.SIGTERM, signal.SIG_IGN)
class Handler(BaseHTTPRequestHandler):
    def _answer(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
    do_GET = _answer
    do_POST = _answer
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", int(sys.argv[sys.argv.index("--port") + 1])), Handler).serve_forever()
`;
const stubbornScript = join(scratch, "stubborn_server.py");
writeFileSync(stubbornScript, STUBBORN_SERVER);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** An artifact endpoint with two workers and a runnable one whose process group holds three processes. */
async function deployWorkload(http: LaunchHttp): Promise<string[]> {
  const echo = await http.createCloudpickleBundle("echo", buildPickle(ECHO_SOURCE));
  const artifact = await http.createEndpoint("echo", echo, { min_workers: 2, max_workers: 2 });
  const runnable = await http.ok<{ model_bundle_id: string }>("POST", "/v2/model-bundles", {
    name: "stubborn",
    schema_location: "s3://x/schema.json",
    flavor: {
      flavor: "runnable_image",
      repository: "stubborn",
      tag: "1",
      command: ["/bin/sh", "-c", `sleep 300 & ${findPython()} ${stubbornScript} --port 5005 & wait`],
      protocol: "http",
    },
  });
  const stubborn = await http.createEndpoint("stubborn", runnable.model_bundle_id, { endpoint_type: "sync" });
  await http.waitForWorkers(artifact, 60_000);
  await http.waitForWorkers(stubborn, 60_000);
  return [artifact, stubborn];
}

/** Pids of the three workers (two artifact, one runnable) from the control API, once all are ready. */
function workerPids(http: LaunchHttp, endpointIds: readonly string[]): Promise<number[]> {
  return waitFor(
    async () => {
      const pids: number[] = [];
      for (const id of endpointIds) {
        const { workers } = await http.ok<{ workers: { pid: number | null; state: string }[] }>("GET", `/_launch_local/endpoints/${id}/workers`);
        for (const worker of workers) if (worker.pid !== null && worker.state === "ready") pids.push(worker.pid);
      }
      return pids.length === 3 ? pids : null;
    },
    60_000,
    "three ready workers",
  );
}

/** The processes to watch: the workers, everything under them, and their groups. */
async function watched(pids: readonly number[]): Promise<{ pids: number[]; pgids: number[] }> {
  const table = live(await processTable());
  const all = [...pids, ...pids.flatMap((pid) => descendantsOf(table, pid).map((entry) => entry.pid))];
  const pgids = [...new Set(table.filter((entry) => all.includes(entry.pid)).map((entry) => entry.pgrp))];
  return { pids: all, pgids };
}

describe("close() of an embedded instance", () => {
  it("leaves no process behind, and a second instance on the same data dir starts cleanly", async () => {
    const dataDir = join(scratch, "embedded");
    const open = (): Promise<Instance> => createInstance({ port: 0, dataDir, runtime: "process", logLevel: "silent", python: findPython() });
    const first = await open();
    const endpoints = await deployWorkload(new LaunchHttp(first.url));
    const before = await watched(await workerPids(new LaunchHttp(first.url), endpoints));
    expect(before.pids.length).toBeGreaterThanOrEqual(5);
    await first.close();
    // close() resolves once everything it started is gone: no waiting needed beyond a short grace.
    expect(await waitForNoLeftovers(before.pgids, before.pids, process.pid, 500)).toEqual([]);

    const second = await open();
    const http = new LaunchHttp(second.url);
    for (const id of endpoints) await http.waitForWorkers(id, 60_000);
    const again = await watched(await workerPids(http, endpoints));
    await second.close();
    await second.close();
    expect(await waitForNoLeftovers(again.pgids, again.pids, process.pid, 500)).toEqual([]);
  }, 180_000);
});

describe("SIGTERM to the CLI", () => {
  it("exits 0 with no process behind, and a restart on the same data dir serves the same endpoints", async () => {
    const dataDir = join(scratch, "cli");
    const first = await startServer(dataDir, ["--python", findPython()]);
    const endpoints = await deployWorkload(first.http);
    await workerPids(first.http, endpoints);
    const table = live(await processTable());
    const children = descendantsOf(table, first.pid);
    const pgids = [...new Set(children.map((entry) => entry.pgrp))].filter((pgid) => pgid !== table.find((e) => e.pid === first.pid)?.pgrp);
    expect(children.length).toBeGreaterThanOrEqual(5);
    expect(await first.stop()).toBe(0);
    expect(
      await waitForNoLeftovers(
        pgids,
        children.map((entry) => entry.pid),
        first.pid,
        1000,
      ),
    ).toEqual([]);

    const second = await startServer(dataDir, ["--python", findPython()]);
    for (const id of endpoints) await second.http.waitForWorkers(id, 60_000);
    const answer = await second.http.ok<{ status: string }>("POST", `/v1/sync-tasks?model_endpoint_id=${endpoints[1] ?? ""}`, { args: {} });
    expect(answer.status).toBe("SUCCESS");
    const after = descendantsOf(live(await processTable()), second.pid);
    expect(await second.stop()).toBe(0);
    expect(
      await waitForNoLeftovers(
        [],
        after.map((entry) => entry.pid),
        second.pid,
        1000,
      ),
    ).toEqual([]);
  }, 180_000);
});
