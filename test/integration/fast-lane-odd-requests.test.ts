import type { Server } from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAppServer } from "../../src/http/server.js";
import { answers } from "../helpers/raw-http.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { appClient, createArtifactBundle, createEndpoint, readyWorkers } from "./control-fixture.js";

/**
 * Odd bytes on the fast lane's own targets, answered as Node's server answers them: each request is
 * sent to the instance (the lane reads its connections first) and to a plain node:http server with
 * the same app and no lane (server.ts `createAppServer`), and the two transcripts must be the same
 * bytes (Date aside), closing alike. A connection left open is proven open by a request sent after
 * the answers; an answer that never comes fails the test by its timeout, never by a sleep.
 */
let app: TestApp;
let reference: Server;
let lanePort: number;
let referencePort: number;
let syncId: string;

beforeAll(async () => {
  app = await createTestApp();
  lanePort = Number(new URL(app.url).port);
  reference = createAppServer(app.instance.services, () => `127.0.0.1:${referencePort}`).server;
  await new Promise<void>((resolve) => reference.listen(0, "127.0.0.1", resolve));
  referencePort = (reference.address() as AddressInfo).port;
  const me = appClient(app);
  syncId = await createEndpoint(me, "odd-sync", await createArtifactBundle(me, "echo"), { endpoint_type: "sync" });
  await readyWorkers(me, syncId);
});

afterAll(async () => {
  const closed = new Promise<void>((resolve) => reference.close(() => resolve()));
  reference.closeAllConnections();
  await closed;
  await app.close();
});

const ME = `Basic ${Buffer.from("me:").toString("base64")}`;
const BODY = '{"args": {"x": 1}}';
/** Sent after the answers on a connection left open: it must be answered too. */
const probe = (): string => `GET /v1/model-endpoints/${syncId} HTTP/1.1\r\nHost: a\r\nAuthorization: ${ME}\r\n\r\n`;

const sync = (): string => `/v1/sync-tasks?model_endpoint_id=${syncId}`;
/** A lane request in its plainest form, with `lineEnd` between lines and `extra` fields after Host. */
function predict(options: { version?: string; host?: boolean; lineEnd?: string; extra?: string } = {}): string {
  const { version = "HTTP/1.1", host = true, lineEnd = "\r\n", extra = "" } = options;
  const fields = [...(host ? ["Host: 127.0.0.1"] : []), `Authorization: ${ME}`, "Content-Type: application/json", `Content-Length: ${BODY.length}`];
  return `POST ${sync()} ${version}${lineEnd}${extra}${fields.join(lineEnd)}${lineEnd}${lineEnd}${BODY}`;
}

interface Transcript {
  /** Every byte the server sent, its Date values blanked. */
  text: string;
  statusLines: string[];
  isClosed: boolean;
}

interface Sending {
  /** Ends the client's side once every part is sent. */
  endAfter?: boolean;
  /** Sends each part after the server answered the one before (else once it is written). */
  isStepwise?: boolean;
}

/**
 * Sends `parts` on a fresh connection and reads until the server has closed it, or it sent `count`
 * answers and the last one keeps the connection open; then a probe must be answered too.
 */
function transcript(port: number, parts: string[], count: number, sending: Sending = {}): Promise<Transcript> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    let sent = 0;
    let isProbed = false;
    const finish = (isClosed: boolean): void => {
      socket.destroy();
      const read = answers(text);
      resolve({ text: text.replace(/\r\nDate: [^\r]*/g, "\r\nDate: -"), statusLines: read.map((answer) => answer.head.split("\r\n")[0] ?? ""), isClosed });
    };
    const sendNext = (): void => {
      const part = parts[sent++];
      if (part === undefined) {
        if (sending.endAfter === true) socket.end();
        return;
      }
      socket.write(part, "latin1", () => {
        if (sending.isStepwise !== true) setImmediate(sendNext);
      });
    };
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      const read = answers(text);
      const last = read[read.length - 1];
      if (sending.isStepwise === true && read.length === sent && sent < parts.length) sendNext();
      if (isProbed && read.length > count) finish(false);
      else if (!isProbed && read.length === count && last !== undefined && !/\r\nConnection: close(\r\n|$)/i.test(last.head)) {
        isProbed = true;
        socket.write(probe());
      }
    });
    socket.on("close", () => finish(true));
    socket.on("error", reject);
    socket.once("connect", sendNext);
  });
}

async function expectAsNodeAnswers(parts: string[], count: number, sending: Sending = {}): Promise<Transcript> {
  const viaLane = await transcript(lanePort, parts, count, sending);
  const viaNode = await transcript(referencePort, parts, count, sending);
  expect(viaLane).toEqual(viaNode);
  return viaLane;
}

const BAD_REQUEST = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";

describe("odd requests on the fast lane's targets, answered as Node's server answers them", () => {
  it.each([
    ["a bare-LF request", () => predict({ lineEnd: "\n" })],
    ["a bare-LF request without a body", () => `GET /v1/async-tasks/abc HTTP/1.1\nHost: a\nAuthorization: ${ME}\n\n`],
    ["a bare LF in the middle of a head", () => predict({ extra: "X-Odd: a\nX-After: b\r\n" })],
    ["a bare LF ending the head", () => predict().replace("\r\n\r\n", "\r\n\n")],
    ["an obs-fold", () => predict({ extra: "X-Folded: a\r\n b\r\n" })],
    ["a NUL in a field value", () => predict({ extra: "X-Nul: a\0b\r\n" })],
  ])("answers %s with Node's 400 at once, and closes", async (_what, bytes: () => string) => {
    const answer = await expectAsNodeAnswers([bytes()], 1);
    expect(answer).toEqual({ text: BAD_REQUEST, statusLines: ["HTTP/1.1 400 Bad Request"], isClosed: true });
  });

  it("answers an HTTP/1.1 request without Host with Node's own 400, and closes", async () => {
    const answer = await expectAsNodeAnswers([predict({ host: false })], 1);
    expect(answer.statusLines[0]).toBe("HTTP/1.1 400 Bad Request");
    expect(answer.isClosed).toBe(true);
  });

  it.each([
    ["a NUL", () => `POST ${sync()} HTTP/1.1\r\nHost: a\r\nX-Nul: \0`],
    ["a bare LF", () => `POST ${sync()} HTTP/1.1\nHost: a\n`],
    ["an unknown method", () => `FOO ${sync()} HTTP/1.1\r\n`],
    ["a Content-Length that is not a number", () => `POST ${sync()} HTTP/1.1\r\nHost: a\r\nContent-Length: ten\r\n`],
  ])("answers a head not yet complete with %s as Node does: at once", async (_what, bytes: () => string) => {
    const answer = await expectAsNodeAnswers([bytes()], 1);
    expect(answer.text).toBe(BAD_REQUEST);
  });

  it("answers a good request, then Node's 400 for a pipelined bare-LF one", async () => {
    const bareLf = `POST ${sync()} HTTP/1.1\nHost: a\n\n`;
    const answer = await expectAsNodeAnswers([predict(), bareLf], 2, { isStepwise: true });
    expect(answer.statusLines).toEqual(["HTTP/1.1 200 OK", "HTTP/1.1 400 Bad Request"]);
    expect(answer.isClosed).toBe(true);
    // Pipelined in one write, the lane answers in order as above. (Node's server, handed both at
    // once, writes its 400 while the app is still answering the first and drops that answer.)
    expect(await transcript(lanePort, [predict() + bareLf], 2)).toEqual(answer);
  });

  it.each([
    ["without Host", () => predict({ version: "HTTP/1.0", host: false })],
    ["with Host", () => predict({ version: "HTTP/1.0" })],
  ])("serves an HTTP/1.0 request %s, and closes after it", async (_what, bytes: () => string) => {
    const answer = await expectAsNodeAnswers([bytes()], 1);
    expect(answer.statusLines).toEqual(["HTTP/1.1 200 OK"]);
    expect(answer.text).toContain("\r\nConnection: close\r\n");
    expect(answer.text).toMatch(/\r\n\r\n\{"status":"SUCCESS"/);
    expect(answer.isClosed).toBe(true);
  });

  it("keeps an HTTP/1.0 connection open that asks for keep-alive, Host or not", async () => {
    const answer = await expectAsNodeAnswers([predict({ version: "HTTP/1.0", host: false, extra: "Connection: keep-alive\r\n" })], 1);
    expect(answer.statusLines).toEqual(["HTTP/1.1 200 OK", "HTTP/1.1 200 OK"]);
    expect(answer.isClosed).toBe(false);
  });

  it("answers the lane's own requests with Node's bytes, and keeps the connection", async () => {
    const answer = await expectAsNodeAnswers([predict(), predict({ extra: "Connection: close\r\n" })], 2);
    expect(answer.statusLines).toEqual(["HTTP/1.1 200 OK", "HTTP/1.1 200 OK"]);
    expect(answer.isClosed).toBe(true);
  });

  it.each([
    ["its head", () => `POST ${sync()} HTTP/1.1\r\nHost: a\r\n`],
    ["its body", () => predict().slice(0, -3)],
  ])("answers Node's 400 when the client ends its side inside %s", async (_what, bytes: () => string) => {
    const answer = await expectAsNodeAnswers([bytes()], 1, { endAfter: true });
    expect(answer).toEqual({ text: BAD_REQUEST, statusLines: ["HTTP/1.1 400 Bad Request"], isClosed: true });
  });
});
