/**
 * A WorkerRuntime whose workers are in-process HTTP servers on 127.0.0.1:0 behaving like the real ones
 * (server-contract.md §4.2, §4.3), for scheduler and HTTP integration tests:
 * - artifact bundles: POST /predict with the whole request → 200 `{"result": json.dumps(args)}`, 500
 *   `{"detail": {"traceback": …}}` when `args.fail` is set, 429 beyond `concurrency`;
 * - runnable images: POST predict_route echoes the JSON body; streaming_predict_route answers SSE, one
 *   event per element when the body is an array;
 * - either kind: `sleep_ms` delays the answer, `crash: true` kills the worker mid-request, `fail`
 *   answers 500, `status_code`/`text` (runnable) force the status/a non-JSON body.
 * Start delay, failing starts, a build hook and a per-request handler are configurable.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { isArtifactFlavor, type BundleRecord } from "../../src/domain/bundle.js";
import type { PreparedRuntime, WorkerExit, WorkerHandle, WorkerLaunchSpec, WorkerRuntime } from "../../src/domain/ports.js";
import { JsonNumber, type LosslessJson, dumpsLossless, toPlain, tryParseLossless } from "../../src/domain/tasks/python-json.js";

export interface FakeRequest {
  workerId: string;
  path: string;
  body: string;
  /** The body as JSON, undefined when it is not JSON. */
  json: unknown;
}

export interface FakeReply {
  status?: number;
  /** Sent as is. */
  text?: string;
  /** SSE `data` items (sent as a text/event-stream). */
  events?: string[];
}

export interface FakeRuntimeOptions {
  /** Real milliseconds between listening and `ready`. */
  startDelayMs?: number;
  /** The first N starts fail, or a function giving a failure reason (null: start normally). */
  failStarts?: number | ((spec: WorkerLaunchSpec) => string | null);
  /** Build hook (throw a LaunchError to fail the build); lines go to the build log. */
  prepare?: (bundle: BundleRecord, gpus: number, log: (line: string) => void) => Promise<PreparedRuntime | void>;
  /** Answers a request instead of the default behaviour when it returns a reply. */
  handler?: (request: FakeRequest, spec: WorkerLaunchSpec) => FakeReply | undefined | Promise<FakeReply | undefined>;
}

export interface FakeWorker {
  readonly id: string;
  readonly spec: WorkerLaunchSpec;
  readonly baseUrl: string;
  state: "starting" | "ready" | "stopped" | "killed" | "failed";
  /** Predict requests received. */
  requests: number;
  active: number;
}

export interface FakeRuntime extends WorkerRuntime {
  /** Every worker ever started, in start order. */
  readonly workers: readonly FakeWorker[];
  /** Bundle ids passed to prepare(), in order. */
  readonly prepared: readonly string[];
  /** Workers starting or ready. */
  live(): FakeWorker[];
  /** Hard-kills a worker (connections dropped at once); false if unknown or already gone. */
  kill(workerId: string): boolean;
}

const TRACEBACK = (message: string): string =>
  `Traceback (most recent call last):\n  File "predict.py", line 3, in predict\n    raise ValueError(message)\nValueError: ${message}\n`;

const pythonJson = (value: LosslessJson): string => dumpsLossless(value);
const resultBody = (text: string): string => pythonJson(new Map([["result", text]]));
const failureBody = (message: string): string => pythonJson(new Map([["detail", new Map([["traceback", TRACEBACK(message)]])]]));

function field(json: LosslessJson | undefined, key: string): LosslessJson | undefined {
  return json instanceof Map ? json.get(key) : undefined;
}

const isPresent = (value: LosslessJson | undefined): boolean => value !== undefined && value !== null && value !== false;
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The default answer; `crash` is handled by the caller. */
function defaultReply(spec: WorkerLaunchSpec, path: string, text: string, activeBefore: number): FakeReply {
  const flavor = spec.bundle.flavor;
  const json = tryParseLossless(text);
  if (isArtifactFlavor(flavor)) {
    if (path !== "/predict") return { status: 404, text: '{"detail": "Not Found"}' };
    if (activeBefore >= spec.concurrency) return { status: 429, text: '{"detail": "Too many requests"}' };
    const args = field(json, "args");
    const url = field(json, "url");
    if (isPresent(field(args, "fail"))) return { status: 500, text: failureBody(String(toPlain(field(args, "fail") ?? null))) };
    if (typeof url === "string") return { status: 200, text: resultBody(pythonJson(url)) };
    if (args instanceof Map) return { status: 200, text: resultBody(pythonJson(args)) };
    return { status: 500, text: failureBody("Input needs either url or args.") };
  }
  const isStream = flavor.flavor === "streaming_enhanced_runnable_image" && path === flavor.streaming_predict_route;
  if (!isStream && path !== flavor.predict_route) return { status: 404, text: '{"detail":"Not Found"}' };
  if (isPresent(field(json, "fail"))) return { status: 500, text: failureBody(String(toPlain(field(json, "fail") ?? null))) };
  const forced = field(json, "status_code");
  const status = forced instanceof JsonNumber ? Number(forced.literal) : 200;
  const rawText = field(json, "text");
  if (typeof rawText === "string") return { status, text: rawText };
  if (isStream) return { status, events: Array.isArray(json) ? json.map((item) => JSON.stringify(toPlain(item))) : [text] };
  return { status, text };
}

export function createFakeRuntime(options: FakeRuntimeOptions = {}): FakeRuntime {
  const workers: FakeWorker[] = [];
  const prepared: string[] = [];
  const killers = new Map<string, () => void>();
  const stoppers = new Map<string, () => Promise<void>>();
  let starts = 0;

  function failureFor(spec: WorkerLaunchSpec): string | null {
    const rule = options.failStarts;
    if (typeof rule === "function") return rule(spec);
    return rule !== undefined && starts <= rule ? "fake worker failed to start" : null;
  }

  async function start(spec: WorkerLaunchSpec, log: (line: string) => void): Promise<WorkerHandle> {
    starts++;
    const failure = failureFor(spec);
    let resolveExit: (exit: WorkerExit) => void = () => undefined;
    const exited = new Promise<WorkerExit>((resolve) => (resolveExit = resolve));
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        answer(request.method ?? "GET", request.url ?? "/", Buffer.concat(chunks).toString("utf8"), response).catch((error: unknown) => {
          // A throwing custom handler behaves like a crashing user server: 500 with the message.
          if (!response.headersSent) response.writeHead(500).end(String(error));
          else response.destroy();
        });
      });
    });
    const sockets = new Set<Socket>();
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("fake worker has no TCP address");
    const baseUrl = `http://127.0.0.1:${address.port}`;
    const self: FakeWorker = { id: spec.workerId, spec, baseUrl, state: "starting", requests: 0, active: 0 };
    workers.push(self);
    log(`fake worker listening on ${baseUrl}`);

    const finish = (state: FakeWorker["state"], exit: WorkerExit): void => {
      if (self.state === "stopped" || self.state === "killed" || self.state === "failed") return;
      self.state = state;
      for (const socket of sockets) socket.destroy();
      server.close(() => resolveExit(exit));
    };
    const kill = (): void => finish("killed", { code: null, signal: "SIGKILL" });
    killers.set(spec.workerId, kill);

    async function answer(method: string, path: string, text: string, response: http.ServerResponse): Promise<void> {
      if (method === "GET") {
        response.writeHead(200).end();
        return;
      }
      self.requests++;
      const activeBefore = self.active++;
      try {
        const json = tryParseLossless(text);
        const args = isArtifactFlavor(spec.bundle.flavor) ? field(json, "args") : json;
        const sleep = field(args, "sleep_ms");
        if (sleep instanceof JsonNumber) await delay(Number(sleep.literal));
        if (isPresent(field(args, "crash"))) {
          kill();
          return;
        }
        const custom = await options.handler?.({ workerId: spec.workerId, path, body: text, json: json === undefined ? undefined : toPlain(json) }, spec);
        const reply = custom ?? defaultReply(spec, path, text, activeBefore);
        // A stopping worker finishes its in-flight answers and lets the connections go.
        if (self.state === "stopped") response.setHeader("connection", "close");
        if (reply.events !== undefined) {
          response.writeHead(reply.status ?? 200, { "content-type": "text/event-stream" });
          response.end(reply.events.map((data) => `data: ${data}\n\n`).join(""));
        } else {
          response.writeHead(reply.status ?? 200, { "content-type": "application/json" }).end(reply.text ?? "");
        }
      } finally {
        self.active--;
      }
    }

    const ready = (async () => {
      if (options.startDelayMs !== undefined) await delay(options.startDelayMs);
      if (failure !== null) {
        finish("failed", { code: 1, signal: null });
        throw new Error(failure);
      }
      if (self.state !== "starting") throw new Error("fake worker exited before it became ready");
      self.state = "ready";
    })();
    ready.catch(() => undefined);

    const stop = (): Promise<void> => {
      // Graceful: no new connections, in-flight answers complete (idle keep-alive sockets close).
      if (self.state === "starting" || self.state === "ready") {
        self.state = "stopped";
        server.close(() => resolveExit({ code: 0, signal: "SIGTERM" }));
        server.closeIdleConnections();
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 2000).unref();
      }
      return exited.then(() => undefined);
    };
    stoppers.set(spec.workerId, stop);
    return { id: spec.workerId, baseUrl, ready, exited, stop, kill };
  }

  return {
    name: "process",
    workers,
    prepared,
    async prepare(bundle, gpus, log) {
      prepared.push(bundle.id);
      log(`fake build of ${bundle.id}`);
      return options.prepare?.(bundle, gpus, log);
    },
    start,
    live: () => workers.filter((w) => w.state === "starting" || w.state === "ready"),
    kill(workerId) {
      const worker = workers.find((w) => w.id === workerId);
      if (worker === undefined || (worker.state !== "starting" && worker.state !== "ready")) return false;
      killers.get(workerId)?.();
      return true;
    },
    async dispose() {
      await Promise.all(Array.from(stoppers.values(), (stop) => stop()));
    },
  };
}
