/**
 * HTTP to one worker: the hot path of every predict. `post` keeps up to one warm connection per slot
 * (worker-connection.ts: one write per request, a small response parser); the scheduler already
 * bounds concurrency, so a request never waits for a connection. `openStream` reads the answer as it
 * arrives, through Node's http client and a keep-alive agent of its own. Both send the worker's
 * token (gateway-ports.ts WORKER_TOKEN_HEADER) when it has one.
 */
import http from "node:http";
import type { Clock } from "../domain/clock.js";
import { LaunchError } from "../domain/errors.js";
import { WORKER_TOKEN_HEADER, type WorkerClient, type WorkerReply, type WorkerStream } from "../domain/gateway-ports.js";
import { WorkerConnection } from "./worker-connection.js";

/** The worker could not be reached, or dropped the connection before answering in full. */
export class WorkerConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WorkerConnectionError";
  }
}

/** aiohttp's default total timeout in the real gateway: one call hanging longer is a 408 (§2.3). */
export const requestTimedOut = (): LaunchError => new LaunchError("REQUEST_TIMEOUT", "Request timed out.");

export function createWorkerClient(baseUrl: string, slots: number, clock: Clock, token: string | null = null): WorkerClient {
  const url = new URL(baseUrl);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(url.port || 80);
  // The fixed part of every head, formatted once.
  const headLines = `Host: ${url.host}\r\n${token === null ? "" : `${WORKER_TOKEN_HEADER}: ${token}\r\n`}Content-Type: application/json\r\n`;
  const tokenHeader: Record<string, string> = token === null ? {} : { [WORKER_TOKEN_HEADER]: token };
  const maxIdle = Math.max(1, slots);
  let agent: http.Agent | null = null;
  let isDestroyed = false;
  const idle: WorkerConnection[] = [];
  const open = new Set<WorkerConnection>();
  const onIdle = (connection: WorkerConnection): void => {
    if (isDestroyed || idle.length >= maxIdle) connection.destroy();
    else idle.push(connection);
  };
  const onClose = (connection: WorkerConnection): void => {
    open.delete(connection);
    const at = idle.indexOf(connection);
    if (at >= 0) idle.splice(at, 1);
  };
  // A connection is idle only between complete answers, and leaves `idle` the moment it closes.
  const connection = (): WorkerConnection => {
    const reused = idle.pop();
    if (reused !== undefined) return reused;
    const created = new WorkerConnection(host, port, onIdle, onClose);
    open.add(created);
    return created;
  };

  async function post(path: string, body: string | Uint8Array, timeoutMs: number | null): Promise<WorkerReply> {
    const target = path.startsWith("/") ? path : `/${path}`;
    // What Node's http client refuses too (ERR_UNESCAPED_CHARACTERS): a request line must stay one line.
    if (/[^\x21-\x7e]/.test(target)) throw new TypeError(`Request path contains unescaped characters: ${JSON.stringify(target)}`);
    if (isDestroyed) throw new WorkerConnectionError(`worker ${baseUrl} did not answer: the client was closed`);
    const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    const head = `POST ${target} HTTP/1.1\r\n${headLines}Content-Length: ${length}\r\n\r\n`;
    const conn = connection();
    let isTimedOut = false;
    const cancelTimer =
      timeoutMs === null
        ? null
        : clock.setTimeout(() => {
            isTimedOut = true;
            conn.destroy(new Error("timed out"));
          }, timeoutMs);
    try {
      return await conn.request(head, body);
    } catch (error) {
      if (isTimedOut) throw requestTimedOut();
      throw new WorkerConnectionError(`worker ${baseUrl} did not answer: ${String(error)}`, { cause: error });
    } finally {
      cancelTimer?.();
    }
  }

  /** Resolves once the answer's headers arrived; `timeoutMs` bounds the wait for them. */
  function openStream(path: string, body: string | Uint8Array, timeoutMs: number | null): Promise<WorkerStream> {
    return new Promise<WorkerStream>((resolve, reject) => {
      let isSettled = false;
      let isTimedOut = false;
      let cancelTimer: (() => void) | null = null;
      const fail = (error: unknown): void => {
        if (isSettled) return;
        isSettled = true;
        cancelTimer?.();
        reject(isTimedOut ? requestTimedOut() : new WorkerConnectionError(`worker ${baseUrl} did not answer: ${String(error)}`, { cause: error }));
      };
      const request = http.request(
        {
          host,
          port,
          path: path.startsWith("/") ? path : `/${path}`,
          method: "POST",
          agent: (agent ??= new http.Agent({ keepAlive: true, maxSockets: maxIdle, noDelay: true })),
          headers: { ...tokenHeader, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (response) => {
          if (isSettled) return;
          isSettled = true;
          cancelTimer?.();
          resolve(streamOf(response));
        },
      );
      request.on("error", fail);
      if (timeoutMs !== null) {
        cancelTimer = clock.setTimeout(() => {
          isTimedOut = true;
          request.destroy();
          fail(new Error("timed out"));
        }, timeoutMs);
      }
      request.end(body);
    });
  }

  return {
    post,
    openStream,
    destroy() {
      isDestroyed = true;
      for (const conn of [...open]) conn.destroy(new Error("the client was closed"));
      agent?.destroy();
    },
  };
}

/** Node's answer stream as the port's WorkerStream: UTF-8 text chunks, completeness, close. */
function streamOf(response: http.IncomingMessage): WorkerStream {
  response.setEncoding("utf8");
  async function* text(): AsyncGenerator<string> {
    const chunks: AsyncIterable<unknown> = response;
    for await (const chunk of chunks) if (typeof chunk === "string") yield chunk;
  }
  return {
    status: response.statusCode ?? 0,
    text: text(),
    get isComplete() {
      return response.complete;
    },
    close() {
      if (!response.complete) response.destroy();
    },
  };
}
