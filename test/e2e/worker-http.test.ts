/**
 * End to end: the Python worker's HTTP/1.1 handling (src/worker/launch_worker/httpd.py, app.py) on a
 * raw socket, byte for byte: framing (Content-Length, chunked, Expect, pipelined requests, a stray
 * CRLF), keep-alive rules (HTTP/1.0 and 1.1, repeated headers), malformed input, the JSON body's
 * encodings and the predict request's field precedence. The worker answers as it did before its hot
 * path was shortened; these hold the shortcuts to the long way's answers.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixtureBundles, startPythonServer, workerServerPath, type PythonServer } from "../helpers/python.js";

let root = "";
let echo: PythonServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "launch-worker-http-"));
  const bundles = await buildFixtureBundles(join(root, "bundles"));
  await writeFile(join(root, "input.txt"), "from the url");
  echo = await startPythonServer(workerServerPath, [], {
    LAUNCH_WORKER_PORT: "0",
    LAUNCH_BUNDLE_FLAVOR: "cloudpickle_artifact",
    LAUNCH_BUNDLE_PATH: bundles.echo,
    LAUNCH_WORK_DIR: join(root, "work"),
    LAUNCH_BLOB_ROOT: join(root, "blobs"),
    LAUNCH_WORKER_CONCURRENCY: "4",
  });
});

afterAll(async () => {
  await echo.stop();
  if (root !== "") await rm(root, { recursive: true, force: true });
});

/** A raw connection: write bytes, read until `count` whole answers arrived (or the peer closed). */
class Wire {
  private readonly socket: Socket;
  private received = Buffer.alloc(0);
  private isClosed = false;
  private waiter: (() => void) | null = null;

  constructor(port: number) {
    this.socket = connect(port, "127.0.0.1");
    this.socket.setNoDelay(true);
    this.socket.on("data", (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.waiter?.();
    });
    this.socket.on("close", () => {
      this.isClosed = true;
      this.waiter?.();
    });
  }

  send(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** The answers so far, split by their Content-Length; waits until `count` are complete or the peer closed. */
  async answers(count: number): Promise<{ answers: Answer[]; isClosed: boolean }> {
    for (;;) {
      const answers = splitAnswers(this.received);
      if (answers.length >= count || this.isClosed) return { answers, isClosed: this.isClosed };
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /** The bytes so far as latin-1 text, once `isDone` holds for them (or the peer closed). */
  async text(isDone: (text: string) => boolean): Promise<string> {
    for (;;) {
      const text = this.received.toString("latin1");
      if (isDone(text) || this.isClosed) return text;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /** Waits for the peer to close the connection. */
  async closed(): Promise<boolean> {
    while (!this.isClosed) await new Promise<void>((resolve) => (this.waiter = resolve));
    return true;
  }

  end(): void {
    this.socket.destroy();
  }
}

interface Answer {
  status: number;
  head: string;
  body: string;
}

function splitAnswers(bytes: Buffer): Answer[] {
  const answers: Answer[] = [];
  let at = 0;
  for (;;) {
    const end = bytes.indexOf("\r\n\r\n", at);
    if (end < 0) return answers;
    const head = bytes.toString("latin1", at, end);
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? "0");
    if (bytes.length < end + 4 + length) return answers;
    answers.push({ status: Number(head.slice(9, 12)), head, body: bytes.toString("utf8", end + 4, end + 4 + length) });
    at = end + 4 + length;
  }
}

const predict = (body: string | Buffer, extra = ""): Buffer => {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  return Buffer.concat([
    Buffer.from(`POST /predict HTTP/1.1\r\nHost: w\r\nContent-Type: application/json\r\n${extra}Content-Length: ${bytes.length}\r\n\r\n`, "latin1"),
    bytes,
  ]);
};

/** Sends `bytes` on a fresh connection; `count` answers, then (`untilClose`) the peer's close. */
async function exchange(bytes: string | Buffer, count = 1, untilClose = false): Promise<{ answers: Answer[]; isClosed: boolean }> {
  const wire = new Wire(echo.port);
  wire.send(bytes);
  if (untilClose) await wire.closed();
  const result = await wire.answers(count);
  wire.end();
  return result;
}

describe("worker HTTP: framing and keep-alive", () => {
  it("answers pipelined requests in one write each, in order, on one connection", async () => {
    const bytes = Buffer.concat([1, 2, 3].map((n) => predict(`{"args": {"n": ${n}}}`)));
    const { answers, isClosed } = await exchange(bytes, 3);
    expect(answers.map((answer) => answer.body)).toEqual(['{"result": "{\\"n\\": 1}"}', '{"result": "{\\"n\\": 2}"}', '{"result": "{\\"n\\": 3}"}']);
    expect(answers[0]?.head).toBe("HTTP/1.1 200 OK\r\nContent-Length: 24\r\nContent-Type: application/json");
    expect(isClosed).toBe(false);
  });

  it("skips a stray CRLF before a request", async () => {
    const { answers } = await exchange(Buffer.concat([Buffer.from("\r\n"), predict('{"args": {}}')]));
    expect(answers.map((answer) => answer.status)).toEqual([200]);
  });

  it("reads a chunked body, and answers an Expect: 100-continue first with 100", async () => {
    const chunked =
      'POST /predict HTTP/1.1\r\nHost: w\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n{"args\r\n9;ext=1\r\n": {"c": \r\n2\r\n1}\r\n1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n';
    expect((await exchange(chunked)).answers.map((answer) => answer.body)).toEqual(['{"result": "{\\"c\\": 1}"}']);
    const wire = new Wire(echo.port);
    wire.send(predict('{"args": {"e": 1}}', "Expect: 100-continue\r\n"));
    const { answers } = await wire.answers(2);
    wire.end();
    expect(answers.map((answer) => [answer.status, answer.body])).toEqual([
      [100, ""],
      [200, '{"result": "{\\"e\\": 1}"}'],
    ]);
  });

  it("closes after HTTP/1.0 unless asked to keep alive, and after Connection: close in any repeat", async () => {
    const http10 = await exchange(predict('{"args": {}}').toString("latin1").replace("HTTP/1.1", "HTTP/1.0"), 1, true);
    expect(http10.answers[0]?.head).toContain("Connection: close");
    expect(http10.isClosed).toBe(true);

    const wire = new Wire(echo.port);
    wire.send(predict('{"args": {}}', "Connection: keep-alive\r\n").toString("latin1").replace("HTTP/1.1", "HTTP/1.0"));
    const kept = await wire.answers(1);
    expect(kept.answers[0]?.head).toContain("Connection: keep-alive");
    wire.send(predict('{"args": {}}', "Connection: keep-alive\r\nConnection: close\r\n"));
    const closing = await wire.answers(2);
    expect(closing.answers[1]?.head).toContain("Connection: close");
    expect(await wire.closed()).toBe(true);
  });

  it("answers HEAD with the head alone", async () => {
    const wire = new Wire(echo.port);
    wire.send("HEAD /healthz HTTP/1.1\r\nHost: w\r\n\r\nGET /healthz HTTP/1.1\r\nHost: w\r\n\r\n");
    const text = await wire.text((received) => received.includes("200 OK"));
    wire.end();
    // The 405's Content-Length names the body it would have had; the next answer follows at once.
    expect(text).toBe(
      "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 32\r\nContent-Type: application/json\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    );
  });
});

describe("worker HTTP: malformed requests end the connection with a clear status", () => {
  const cases: [string, string, number, string][] = [
    ["a request line with two parts", "POST /predict\r\n\r\n", 400, "Malformed request line"],
    ["an HTTP/2 version", "GET /healthz HTTP/2.0\r\n\r\n", 400, "Malformed request line"],
    ["a header without a colon", "GET /healthz HTTP/1.1\r\nHost w\r\n\r\n", 400, "Malformed header line"],
    ["a header name with a space before the colon", "GET /healthz HTTP/1.1\r\nHost : w\r\n\r\n", 400, "Malformed header line"],
    ["a Content-Length that is not a number", "POST /predict HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", 400, "Invalid Content-Length"],
    ["a chunk size that is not hex", "POST /predict HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "Invalid chunk size"],
    ["a request line over 64 KiB", `GET /${"a".repeat(70_000)} HTTP/1.1\r\n\r\n`, 414, "Request line too long"],
    ["a header line over 64 KiB", `GET /healthz HTTP/1.1\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`, 431, "Header line too long"],
    ["more than 100 headers", `GET /healthz HTTP/1.1\r\n${"X-A: 1\r\n".repeat(101)}\r\n`, 431, "Too many headers"],
  ];
  it.each(cases)("%s", async (_name, request, status, detail) => {
    const { answers, isClosed } = await exchange(request, 1, true);
    expect(answers.map((answer) => [answer.status, answer.body])).toEqual([[status, `{"detail": "${detail}"}`]]);
    expect(answers[0]?.head).toContain("Connection: close");
    expect(isClosed).toBe(true);
  });
});

describe("worker HTTP: the JSON body and the predict fields", () => {
  const body = async (bytes: string | Buffer): Promise<[number, string]> => {
    const { answers } = await exchange(predict(bytes));
    const [answer] = answers;
    return [answer?.status ?? 0, answer?.body ?? ""];
  };

  it("decodes UTF-8 (with or without a BOM), UTF-16 and UTF-32 bodies as json.loads does", async () => {
    const text = '{"args": {"t": "é✓"}}';
    const expected = [200, '{"result": "{\\"t\\": \\"\\\\u00e9\\\\u2713\\"}"}'];
    expect(await body(text)).toEqual(expected);
    expect(await body(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual(expected);
    expect(await body(Buffer.from(text, "utf16le"))).toEqual(expected);
    expect(await body(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]))).toEqual(expected);
  });

  it("answers bad JSON with json's own message, bad UTF-8 too", async () => {
    expect(await body("{not json")).toEqual([
      400,
      '{"detail": "Invalid JSON body: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"}',
    ]);
    expect(await body('{"args": {}} x')).toEqual([400, '{"detail": "Invalid JSON body: Extra data: line 1 column 14 (char 13)"}']);
    const [status, text] = await body(Buffer.from([0x7b, 0xff, 0x7d]));
    expect(status).toBe(400);
    expect(text).toContain("codec can't decode byte 0xff");
  });

  it("lets url win over args, and parses return_pickled as pydantic's lax bool", async () => {
    const url = pathToFileURL(join(root, "input.txt")).href;
    // The echo bundle returns its keyword arguments; a url input is passed positionally, so it fails.
    const [status, text] = await body(JSON.stringify({ args: { a: 1 }, url }));
    expect(status).toBe(500);
    expect(text).toContain("takes 0 positional arguments but 1 was given");
    const pickled = await body(JSON.stringify({ args: { a: 1 }, return_pickled: "yes" }));
    expect(pickled[0]).toBe(200);
    expect(pickled[1]).toMatch(/^\{"result_url": "s3:\/\/launch-local\/tmp\/hosted-model-inference-outputs\/[0-9a-f-]{36}\.pkl"\}$/);
    expect(await body(JSON.stringify({ args: { a: 1 }, return_pickled: 0 }))).toEqual([200, '{"result": "{\\"a\\": 1}"}']);
    expect(await body(JSON.stringify({ args: { a: 1 }, return_pickled: "maybe" }))).toEqual([
      422,
      '{"detail": [{"type": "bool_type", "loc": ["body", "return_pickled"], "msg": "Input should be a valid boolean", "input": "maybe"}]}',
    ]);
    expect(await body(JSON.stringify({ args: { a: 1 }, cloudpickle: 3 }))).toEqual([
      422,
      '{"detail": [{"type": "string_type", "loc": ["body", "cloudpickle"], "msg": "Input should be a valid string", "input": 3}]}',
    ]);
  });
});
