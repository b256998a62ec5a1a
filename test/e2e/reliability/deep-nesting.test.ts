import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_DEPTH } from "../../../src/http/json-depth.js";
import { waitFor } from "../../helpers/cli-process.js";
import { buildPickle } from "../../helpers/launch-http.js";
import { ECHO_SOURCE, type RunningServer, startServer } from "./server.js";

/**
 * Issue 13 item 6 with real Python workers: a request nested as deep as the gateway takes reaches
 * the worker and comes back as an answer (SUCCESS, or FAILURE with the RecursionError's traceback),
 * and user code that recurses without end is a FAILURE with its traceback; the worker survives
 * both (a depth-1,000 task used to kill five workers in a row, then fail).
 */
const RECURSES = `
def load_model_fn():
    return None
def load_predict_fn(model):
    def predict(**kwargs):
        def down(n):
            return down(n + 1)
        return down(0)
    return predict
`;

interface WorkerView {
  id: string;
  state: string;
  pid: number | null;
  base_url: string;
  token: string | null;
}

const dataDir = mkdtempSync(join(tmpdir(), "launch-local-deep-"));
let server: RunningServer;

beforeAll(async () => {
  server = await startServer(dataDir);
}, 60_000);
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const workers = async (endpointId: string): Promise<WorkerView[]> =>
  (await server.http.ok<{ workers: WorkerView[] }>("GET", `/_launch_local/endpoints/${endpointId}/workers`)).workers;

async function syncEndpoint(name: string, source: string): Promise<{ id: string; worker: WorkerView }> {
  const bundleId = await server.http.createCloudpickleBundle(name, buildPickle(source));
  const id = await server.http.createEndpoint(name, bundleId, { endpoint_type: "sync" });
  await server.http.waitForWorkers(id, 60_000);
  const worker = await waitFor(async () => (await workers(id)).find((each) => each.state === "ready"), 20_000, "a ready worker");
  return { id, worker };
}

async function postRaw(path: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.http.baseUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from("me:").toString("base64")}`, "content-type": "application/json" },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe("deep nesting and recursion reach workers as user errors", () => {
  it("answers the deepest accepted request and keeps the worker", async () => {
    const { id, worker } = await syncEndpoint("deep-echo", ECHO_SOURCE);
    const deep = `{"args": {"x": ${"[".repeat(MAX_BODY_DEPTH - 2)}${"]".repeat(MAX_BODY_DEPTH - 2)}}}`;
    const reply = await postRaw(`/v1/sync-tasks?model_endpoint_id=${id}`, deep);
    expect(reply.status).toBe(200);
    expect(["SUCCESS", "FAILURE"]).toContain(reply.json.status);
    if (reply.json.status === "FAILURE") expect(String(reply.json.traceback)).toContain("RecursionError");
    const deeper = await postRaw(`/v1/sync-tasks?model_endpoint_id=${id}`, `{"args": {"x": ${"[".repeat(2000)}${"]".repeat(2000)}}}`);
    expect(deeper).toEqual({ status: 400, json: { detail: "There was an error parsing the body" } });
    // Sent to the worker itself, past the gateway: FastAPI's answer, not a dropped connection.
    const direct = await fetch(`${worker.base_url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-launch-worker-token": worker.token ?? "" },
      body: `{"args": ${"[".repeat(5000)}${"]".repeat(5000)}}`,
    });
    expect(direct.status).toBe(400);
    expect(await direct.json()).toEqual({ detail: "There was an error parsing the body" });
    expect((await workers(id)).map((each) => each.pid)).toEqual([worker.pid]);
  });

  it("makes user code's RecursionError a FAILURE with its traceback, on the same worker", async () => {
    const { id, worker } = await syncEndpoint("recurses", RECURSES);
    for (let i = 0; i < 2; i++) {
      const reply = await postRaw(`/v1/sync-tasks?model_endpoint_id=${id}`, '{"args": {"x": 1}}');
      expect(reply.status).toBe(200);
      expect(reply.json).toMatchObject({ status: "FAILURE", status_code: 500 });
      expect(String(reply.json.traceback)).toContain("RecursionError: maximum recursion depth exceeded");
    }
    expect((await workers(id)).map((each) => each.pid)).toEqual([worker.pid]);
  });
});
