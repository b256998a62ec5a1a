/**
 * The `callback` post-inference hook (server-contract.md §4.5), against a receiver on loopback:
 * async answers carry their task id, sync answers null; basic auth from the request or the
 * endpoint's default; without basic credentials, Basic(user_id, "").
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/cli-process.js";
import { LaunchHttp } from "../helpers/launch-http.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

interface Received {
  path: string;
  authorization: string | undefined;
  body: unknown;
}

let app: TestApp;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let text = "";
    request.on("data", (chunk: Buffer) => (text += chunk.toString()));
    request.on("end", () => resolve(text));
  });

beforeAll(async () => {
  receiver = createServer((request, response) => {
    void readBody(request).then((text) => {
      received.push({ path: request.url ?? "", authorization: request.headers.authorization, body: JSON.parse(text) as unknown });
      response.writeHead(200).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  app = await createTestApp();
});

afterAll(async () => {
  await app.close();
  receiver.close();
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("post-inference callbacks (§4.5)", () => {
  it("posts async and sync answers to the callback URL with the task id and the right credentials", async () => {
    const http = new LaunchHttp(app.url);
    const bundleId = await http.createCloudpickleBundle("echo", Buffer.from("not used by the fake runtime"));
    const asyncId = await http.createEndpoint("cb-async", bundleId, {
      post_inference_hooks: ["callback"],
      default_callback_url: `${receiverUrl}/default`,
      default_callback_auth: { kind: "basic", username: "hook", password: "secret" },
    });
    await http.waitForWorkers(asyncId, 10_000);
    const { task_id } = await http.ok<{ task_id: string }>("POST", `/v1/async-tasks?model_endpoint_id=${asyncId}`, { args: { y: 1 } });
    const first = await waitFor(() => received.find((r) => r.path === "/default"), 10_000, "the async callback");
    expect(first.authorization).toBe(basic("hook", "secret"));
    expect(first.body).toEqual({ result: '{"y": 1}', task_id });

    const syncId = await http.createEndpoint("cb-sync", bundleId, { endpoint_type: "sync", post_inference_hooks: ["callback"] });
    await http.waitForWorkers(syncId, 10_000);
    await http.ok("POST", `/v1/sync-tasks?model_endpoint_id=${syncId}`, {
      args: { y: 2 },
      callback_url: `${receiverUrl}/per-request`,
      callback_auth: { kind: "mtls", cert: "c", key: "k" },
    });
    const second = await waitFor(() => received.find((r) => r.path === "/per-request"), 10_000, "the sync callback");
    expect(second.authorization).toBe(basic("me", ""));
    expect(second.body).toEqual({ result: '{"y": 2}', task_id: null });
  });

  it("sends nothing when the endpoint does not list the callback hook", async () => {
    const http = new LaunchHttp(app.url);
    const bundleId = await http.createCloudpickleBundle("plain", Buffer.from("x"));
    const endpointId = await http.createEndpoint("no-hook", bundleId, { endpoint_type: "sync" });
    // A witness that does list the hook: once its later callback has arrived, the first one would have too.
    const witnessId = await http.createEndpoint("witness-hook", bundleId, { endpoint_type: "sync", post_inference_hooks: ["callback"] });
    await http.waitForWorkers(endpointId, 10_000);
    await http.waitForWorkers(witnessId, 10_000);
    const before = received.length;
    await http.ok("POST", `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: { y: 3 }, callback_url: `${receiverUrl}/ignored` });
    await http.ok("POST", `/v1/sync-tasks?model_endpoint_id=${witnessId}`, { args: { y: 4 }, callback_url: `${receiverUrl}/witness` });
    await waitFor(() => received.find((r) => r.path === "/witness"), 10_000, "the witness's callback");
    expect(received.slice(before).map((r) => r.path)).toEqual(["/witness"]);
  });
});
