import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type Reference, startReference, stopReference } from "../../../scripts/bench/reference-proxy.mjs";

const TCP_PUMP = fileURLToPath(new URL("../../../scripts/bench/tcp-pump.mjs", import.meta.url));
const FLOOR_PROXY = fileURLToPath(new URL("../../../scripts/bench/floor-proxy.mjs", import.meta.url));

/** A stand-in worker: answers 200 with its name only to a request carrying its token, else 401. */
async function tokenWorker(name: string, token: string): Promise<{ port: number; server: http.Server }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const isOwn = request.headers["x-launch-worker-token"] === token;
      response.writeHead(isOwn ? 200 : 401, { "content-type": "application/json" });
      response.end(JSON.stringify(isOwn ? { result: name } : { detail: "No worker token" }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { port: (server.address() as AddressInfo).port, server };
}

async function post(port: number, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/predict`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{}" });
  return { status: response.status, text: await response.text() };
}

const started: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of started.splice(0).reverse()) await stop();
});

async function workers() {
  const pair = [await tokenWorker("a", "token-a"), await tokenWorker("b", "token-b")];
  for (const { server } of pair) started.push(() => new Promise((resolve) => server.close(() => resolve())));
  return pair;
}

async function reference(script: string, args: Array<string | number>): Promise<Reference> {
  const proxy = await startReference(script, args);
  started.push(() => stopReference(proxy));
  return proxy;
}

describe("bench reference proxies in front of workers with tokens (rows 1 and 2)", () => {
  it("the tcp pump listens on one port per worker, so the client can send each worker its own token", async () => {
    const [a, b] = await workers();
    const pump = await reference(TCP_PUMP, [a!.port, b!.port]);
    expect(pump.ports).toHaveLength(2);
    expect(pump.port).toBe(pump.ports[0]);
    expect(await post(pump.ports[0]!, { "x-launch-worker-token": "token-a" })).toEqual({ status: 200, text: '{"result":"a"}' });
    expect(await post(pump.ports[1]!, { "x-launch-worker-token": "token-b" })).toEqual({ status: 200, text: '{"result":"b"}' });
    expect((await post(pump.ports[1]!, { "x-launch-worker-token": "token-a" })).status).toBe(401);
  });

  it("the node proxy sends each worker its token and wraps the answer as /v1/sync-tasks does", async () => {
    const [a, b] = await workers();
    const floor = await reference(FLOOR_PROXY, [`${a!.port}:token-a`, `${b!.port}:token-b`]);
    const answers = [await post(floor.port), await post(floor.port)];
    expect(answers.map(({ status }) => status)).toEqual([200, 200]);
    expect(answers.map(({ text }) => JSON.parse(text))).toEqual([
      { status: "SUCCESS", result: { result: "a" }, traceback: null, status_code: 200 },
      { status: "SUCCESS", result: { result: "b" }, traceback: null, status_code: 200 },
    ]);
  });

  it("the node proxy answers a worker's refusal as a 502 naming it, never as a SUCCESS", async () => {
    const [a] = await workers();
    const floor = await reference(FLOOR_PROXY, [a!.port]);
    const answer = await post(floor.port);
    expect(answer.status).toBe(502);
    expect(answer.text).toBe('worker answered 401: {"detail":"No worker token"}');
  });
});
