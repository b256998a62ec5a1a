import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/domain/clock.js";
import { createWorkerClient, WorkerConnectionError } from "../../../src/gateway/worker-client.js";
import { WorkerConnection } from "../../../src/gateway/worker-connection.js";
import { waitFor } from "../../helpers/wait-for.js";

/**
 * A raw TCP server that answers each request with `answer(requestText)` written in `pieces`
 * (so the client's parser meets every split), and records what it received.
 */
async function rawServer(answer: (request: string, index: number) => string | null, pieces = 1) {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      for (;;) {
        const headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffer.slice(0, headEnd))?.[1] ?? 0);
        if (buffer.length < headEnd + 4 + length) return;
        const request = buffer.slice(0, headEnd + 4 + length);
        buffer = buffer.slice(request.length);
        received.push(request);
        const reply = answer(request, received.length - 1);
        if (reply === null) {
          socket.destroy();
          return;
        }
        const bytes = Buffer.from(reply, "latin1");
        const size = Math.ceil(bytes.length / pieces);
        for (let at = 0; at < bytes.length; at += size) socket.write(bytes.subarray(at, at + size));
        if (/connection: close/i.test(reply) || reply.startsWith("HTTP/1.0")) socket.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    received,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(answer: (request: string, index: number) => string | null, pieces = 1) {
  const server = await rawServer(answer, pieces);
  servers.push(server);
  return server;
}

const ok = (body: string, extra = "") =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe("worker client over raw connections", () => {
  it("sends one well-formed request and reuses the connection for the next", async () => {
    const server = await serve(() => ok('{"result": 1}'));
    const client = createWorkerClient(`http://127.0.0.1:${server.port}`, 2, systemClock);
    const first = await client.post("/predict", '{"args": {"x": "é"}}', null);
    const second = await client.post("predict", new TextEncoder().encode("{}"), 1000);
    client.destroy();
    expect(first).toEqual({ status: 200, text: '{"result": 1}' });
    expect(second.status).toBe(200);
    expect(server.connections()).toBe(1);
    expect(server.received[0]).toBe(
      `POST /predict HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: 21\r\n\r\n{"args": {"x": "\u00c3\u00a9"}}`,
    );
    expect(server.received[1]).toContain("POST /predict HTTP/1.1\r\n");
  });

  it("sends the worker's token in x-launch-worker-token on every post and stream, when it has one", async () => {
    const server = await serve(() => ok("{}"));
    const client = createWorkerClient(`http://127.0.0.1:${server.port}`, 1, systemClock, "tok-1");
    await client.post("/predict", "{}", null);
    const stream = await client.openStream("/stream", "{}", null);
    for await (const piece of stream.text) void piece;
    client.destroy();
    expect(server.received[0]).toBe(
      `POST /predict HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nx-launch-worker-token: tok-1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
    );
    expect(server.received[1]).toMatch(/\r\nx-launch-worker-token: tok-1\r\n/i);
  });

  it.each([1, 3, 1000])("parses Content-Length, chunked (with trailers) and 1xx answers split in %i piece(s)", async (pieces) => {
    const answers = [
      ok('{"a": 1}'),
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"b"\r\n5;ext=1\r\n: 22}\r\n0\r\nX-Trailer: y\r\n\r\n',
      "HTTP/1.1 100 Continue\r\n\r\n" + ok("[]"),
      "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nno\r\n0\r\n\r\n",
      "HTTP/1.1 204 No Content\r\n\r\n",
    ];
    const server = await serve((_, index) => answers[index] ?? null, pieces);
    const client = createWorkerClient(`http://127.0.0.1:${server.port}`, 1, systemClock);
    const replies = [];
    for (let i = 0; i < answers.length; i++) replies.push(await client.post("/predict", "{}", null));
    client.destroy();
    expect(replies).toEqual([
      { status: 200, text: '{"a": 1}' },
      { status: 200, text: '{"b": 22}' },
      { status: 200, text: "[]" },
      { status: 500, text: "no" },
      { status: 204, text: "" },
    ]);
    expect(server.connections()).toBe(1);
  });

  it("reads a body without a length until the connection ends, then opens a new one", async () => {
    const server = await serve((_, index) => (index === 0 ? 'HTTP/1.0 200 OK\r\n\r\n{"until": "close"}' : ok("2")));
    const client = createWorkerClient(`http://127.0.0.1:${server.port}`, 1, systemClock);
    expect(await client.post("/p", "{}", null)).toEqual({ status: 200, text: '{"until": "close"}' });
    expect(await client.post("/p", "{}", null)).toEqual({ status: 200, text: "2" });
    client.destroy();
    expect(server.connections()).toBe(2);
  });

  it("opens a new connection after the worker answers Connection: close", async () => {
    const server = await serve(() => ok("1", "Connection: close\r\n"));
    const client = createWorkerClient(`http://127.0.0.1:${server.port}`, 1, systemClock);
    await client.post("/p", "{}", null);
    await client.post("/p", "{}", null);
    client.destroy();
    expect(server.connections()).toBe(2);
  });

  it("fails with WorkerConnectionError when the worker drops the connection mid-answer or sends garbage", async () => {
    const server = await serve((_, index) => (index === 0 ? null : index === 1 ? "SMTP ready\r\n\r\n" : ok("fine")));
    const client = createWorkerClient(`http://127.0.0.1:${server.port}`, 1, systemClock);
    await expect(client.post("/p", "{}", null)).rejects.toBeInstanceOf(WorkerConnectionError);
    await expect(client.post("/p", "{}", null)).rejects.toThrow(/malformed status line/);
    expect(await client.post("/p", "{}", null)).toEqual({ status: 200, text: "fine" });
    client.destroy();
  });

  it("fails with WorkerConnectionError when nothing listens", async () => {
    const server = await serve(() => ok("x"));
    const port = server.port;
    await server.close();
    servers.length = 0;
    const client = createWorkerClient(`http://127.0.0.1:${port}`, 1, systemClock);
    await expect(client.post("/p", "{}", null)).rejects.toBeInstanceOf(WorkerConnectionError);
    client.destroy();
  });

  it("answers 408 REQUEST_TIMEOUT when the worker takes longer than the timeout", async () => {
    const server = await serve(() => "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\npartial");
    const client = createWorkerClient(`http://127.0.0.1:${server.port}`, 1, systemClock);
    await expect(client.post("/p", "{}", 50)).rejects.toMatchObject({ code: "REQUEST_TIMEOUT" });
    client.destroy();
  });

  it("fails requests in flight when destroyed, and refuses new ones", async () => {
    const server = await serve(() => "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
    const client = createWorkerClient(`http://127.0.0.1:${server.port}`, 1, systemClock);
    const inFlight = client.post("/p", "{}", null);
    await waitFor(() => server.received.length === 1, 3000, "the request to reach the worker");
    client.destroy();
    await expect(inFlight).rejects.toBeInstanceOf(WorkerConnectionError);
    await expect(client.post("/p", "{}", null)).rejects.toBeInstanceOf(WorkerConnectionError);
  });

  it("refuses a path that would break the request line", async () => {
    const client = createWorkerClient("http://127.0.0.1:9", 1, systemClock);
    await expect(client.post("/a b", "{}", null)).rejects.toBeInstanceOf(TypeError);
    await expect(client.post("/a\r\nX: y", "{}", null)).rejects.toBeInstanceOf(TypeError);
    client.destroy();
  });

  it("a connection refuses a second request while one is in flight", async () => {
    const server = await serve(() => ok("1"));
    const connection = new WorkerConnection(
      "127.0.0.1",
      server.port,
      () => undefined,
      () => undefined,
    );
    const first = connection.request("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "");
    await expect(connection.request("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "")).rejects.toThrow(/busy/);
    expect((await first).status).toBe(200);
    connection.destroy();
  });
});
