import http from "node:http";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { attachFastLane, type FastLane } from "../../../../src/http/fast-lane/fast-lane.js";
import type { Lane } from "../../../../src/http/fast-lane/lane.js";
import { singleField } from "../../../../src/http/fast-lane/request-head.js";
import { exchange } from "../../../helpers/raw-http.js";

/**
 * The lane in front of a plain Node server: `POST /fast` with a Content-Length is the lane's (it
 * answers `{"lane": body}`, and declines a body of "decline"); everything else reaches the server,
 * which answers `app METHOD URL body`.
 */
const fakeLane = (served: string[]): Lane => ({
  bodySize: (head) => {
    const length = singleField(head, "content-length");
    return head.method === "POST" && head.target === "/fast" && length !== null ? Number(length) : null;
  },
  serve: (_head, body) => {
    const text = body.toString("utf8");
    if (text === "decline") return null;
    served.push(text);
    if (text === "slow") return new Promise((resolve) => setTimeout(() => resolve({ status: 200, headers: {}, body: '"late"' }), 150));
    return Promise.resolve({ status: text === "teapot" ? 418 : 200, headers: { "X-Lane": "yes" }, body: JSON.stringify({ lane: text }) });
  },
});

interface Setup {
  server: http.Server;
  lane: FastLane;
  port: number;
  served: string[];
}

let setup: Setup | null = null;

async function start(keepAliveTimeout = 65_000): Promise<Setup> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => response.end(`app ${request.method} ${request.url} ${Buffer.concat(chunks).byteLength}`));
  });
  server.keepAliveTimeout = keepAliveTimeout;
  const served: string[] = [];
  const lane = attachFastLane(server, fakeLane(served));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("no port");
  setup = { server, lane, port: address.port, served };
  return setup;
}

afterEach(async () => {
  if (setup === null) return;
  const { server, lane } = setup;
  setup = null;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  lane.closeAllConnections();
  await closed;
});

const post = (path: string, body: string, extra = ""): string =>
  `POST ${path} HTTP/1.1\r\nHost: a\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe("the fast lane", () => {
  it("answers its requests itself, keep-alive, in one connection, with Node's fields", async () => {
    const { port, served } = await start();
    const { answers: got, socket } = await exchange(port, [post("/fast", "one"), post("/fast", "two")], 2);
    expect(got.map((answer) => [answer.status, answer.body])).toEqual([
      [200, '{"lane":"one"}'],
      [200, '{"lane":"two"}'],
    ]);
    expect(served).toEqual(["one", "two"]);
    const head = got[0]?.head ?? "";
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain("Content-Type: application/json\r\n");
    expect(head).toContain("X-Lane: yes\r\n");
    expect(head).toMatch(/\r\nDate: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT/);
    expect(head).toContain("Connection: keep-alive\r\nKeep-Alive: timeout=65");
    socket.destroy();
  });

  it("leaves a head that arrives in pieces to Node's parser, and reads a body that does", async () => {
    const { port, served } = await start();
    const inPieces = await exchange(port, [...post("/fast", "bytes")], 1);
    expect(inPieces.answers[0]?.body).toBe("app POST /fast 5");
    inPieces.socket.destroy();
    const request = post("/fast", "body in pieces");
    const headSize = request.indexOf("\r\n\r\n") + 4;
    const bodyInPieces = await exchange(port, [request.slice(0, headSize), ...request.slice(headSize)], 1);
    expect(bodyInPieces.answers[0]?.body).toBe('{"lane":"body in pieces"}');
    expect(served).toEqual(["body in pieces"]);
    bodyInPieces.socket.destroy();
  });

  it("hands the connection to the server at the first request it does not serve, bytes intact", async () => {
    const { port } = await start();
    const big = "x".repeat(300_000);
    const parts = [post("/fast", "one"), post("/other", big), post("/fast", "after")];
    const { answers: got, socket } = await exchange(port, parts, 3);
    expect(got.map((answer) => answer.body)).toEqual(['{"lane":"one"}', "app POST /other 300000", "app POST /fast 5"]);
    socket.destroy();
  });

  it("answers pipelined requests in order, across the hand-off", async () => {
    const { port } = await start();
    const { answers: got, socket } = await exchange(port, [post("/fast", "a") + post("/fast", "b") + "GET /x HTTP/1.1\r\nHost: a\r\n\r\n"], 3);
    expect(got.map((answer) => answer.body)).toEqual(['{"lane":"a"}', '{"lane":"b"}', "app GET /x 0"]);
    socket.destroy();
  });

  it("gives the server a request the lane declines after reading its body", async () => {
    const { port, served } = await start();
    const { answers: got, socket } = await exchange(port, [post("/fast", "decline")], 1);
    expect(got[0]?.body).toBe("app POST /fast 7");
    expect(served).toEqual([]);
    socket.destroy();
  });

  it("leaves unusual requests to Node's parser", async () => {
    const { port } = await start();
    const { answers: got } = await exchange(port, ["POST /fast HTTP/1.1\r\nHost : a\r\nContent-Length: 1\r\n\r\nx"], 1);
    expect(got[0]?.status).toBe(400);
  });

  it("closes after answering `Connection: close`, and after a client's half-close", async () => {
    const { port } = await start();
    const closing = await exchange(port, [post("/fast", "bye", "Connection: close\r\n")], 2);
    expect(closing.answers.map((answer) => answer.status)).toEqual([200]);
    expect(closing.answers[0]?.head).toMatch(/\r\nConnection: close\r\nContent-Length: 14$/);
    expect(closing.isClosed()).toBe(true);

    const halfClosed = await exchange(port, [post("/fast", "end")], 2, { endAfter: true });
    expect(halfClosed.answers.map((answer) => [answer.status, answer.body])).toEqual([[200, '{"lane":"end"}']]);
    expect(halfClosed.isClosed()).toBe(true);
  });

  it("keeps the answer's status and reason", async () => {
    const { port } = await start();
    const { answers: got, socket } = await exchange(port, [post("/fast", "teapot")], 1);
    expect(got[0]?.head).toMatch(/^HTTP\/1\.1 418 I'm a Teapot\r\n/);
    socket.destroy();
  });

  it("closes an idle connection after the server's keepAliveTimeout", async () => {
    const { port } = await start(50);
    const { answers: got, isClosed } = await exchange(port, [post("/fast", "idle")], 2);
    expect(got).toHaveLength(1);
    expect(isClosed()).toBe(true);
  });

  it("never times out a connection waiting on its answer, and still closes it once idle", async () => {
    const { port } = await start(50);
    const { answers: got, isClosed } = await exchange(port, [post("/fast", "slow")], 2);
    expect(got.map((answer) => answer.body)).toEqual(['"late"']);
    expect(isClosed()).toBe(true);
  });

  it("answers Node's 408 and closes when a body is not received within the server's requestTimeout", async () => {
    const { server, port, served } = await start();
    server.requestTimeout = 200;
    const timedOut = "HTTP/1.1 408 Request Timeout\r\nConnection: close";
    const partialBody = await exchange(port, ["POST /fast HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"], 1);
    const afterAnswer = await exchange(port, [post("/fast", "first"), "POST /fast HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nab"], 2);
    expect(partialBody.answers.map((answer) => answer.head)).toEqual([timedOut]);
    expect(partialBody.isClosed()).toBe(true);
    expect(afterAnswer.answers.map((answer) => answer.head.split("\r\n")[0])).toEqual(["HTTP/1.1 200 OK", "HTTP/1.1 408 Request Timeout"]);
    expect(served).toEqual(["first"]);
  });

  it("answers Node's 400 and closes when the client ends its side inside a body", async () => {
    const { port, served } = await start();
    const cut = await exchange(port, ["POST /fast HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"], 2, { endAfter: true });
    expect(cut.answers.map((answer) => answer.head)).toEqual(["HTTP/1.1 400 Bad Request\r\nConnection: close"]);
    expect(cut.isClosed()).toBe(true);
    expect(served).toEqual([]);
  });

  it("stops a request's timer once the request is complete", async () => {
    const { server, port, served } = await start();
    server.requestTimeout = 200;
    const request = post("/fast", "in time");
    const headSize = request.indexOf("\r\n\r\n") + 4;
    const { answers: got, socket, isClosed } = await exchange(port, [request.slice(0, headSize + 2), request.slice(headSize + 2)], 1);
    // A bounded wait is the honest way here: the assertion is that Node's own request timers (real
    // time, server.requestTimeout 200 ms) never fire, so it waits past the longest of them once.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(isClosed()).toBe(false);
    const second = once(socket, "data");
    socket.write(post("/fast", "still open"));
    await second;
    expect(got.map((answer) => answer.body)).toEqual(['{"lane":"in time"}']);
    expect(served).toEqual(["in time", "still open"]);
  });

  it("lets server.close() finish once its connections are closed", async () => {
    const current = await start();
    const { socket } = await exchange(current.port, [post("/fast", "open")], 1);
    const closedByServer = once(socket, "close");
    setup = null;
    const closed = new Promise<void>((resolve) => current.server.close(() => resolve()));
    current.server.closeAllConnections();
    current.lane.closeAllConnections();
    await closed;
    await closedByServer;
  });
});
