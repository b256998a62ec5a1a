/**
 * HTTP to one worker: the hot path of every predict. One keep-alive agent per worker with as many
 * sockets as the worker has slots, so a request reuses a warm connection and never queues inside the
 * agent (the dispatcher already bounds concurrency). Bodies go out in a single `end(body)` write.
 */
import http from "node:http";
import type { Clock } from "../domain/clock.js";
import { LaunchError } from "../domain/errors.js";

/** The worker could not be reached, or dropped the connection before answering in full. */
export class WorkerConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WorkerConnectionError";
  }
}

export interface WorkerReply {
  status: number;
  text: string;
}

export interface WorkerStream {
  status: number;
  response: http.IncomingMessage;
}

export interface WorkerClient {
  /** POSTs JSON and reads the whole answer. `timeoutMs` bounds the whole exchange (408 after it). */
  post(path: string, body: string | Uint8Array, timeoutMs: number | null): Promise<WorkerReply>;
  /** POSTs JSON and resolves once the answer's headers arrived; `timeoutMs` bounds the wait for them. */
  openStream(path: string, body: string | Uint8Array, timeoutMs: number | null): Promise<WorkerStream>;
  /** Closes every socket; requests still in flight fail with WorkerConnectionError. */
  destroy(): void;
}

/** aiohttp's default total timeout in the real gateway: one call hanging longer is a 408 (§2.3). */
export const requestTimedOut = (): LaunchError => new LaunchError("REQUEST_TIMEOUT", "Request timed out.");

export function createWorkerClient(baseUrl: string, slots: number, clock: Clock): WorkerClient {
  const url = new URL(baseUrl);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(url.port || 80);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(1, slots), noDelay: true });

  function send<T>(
    path: string,
    body: string | Uint8Array,
    timeoutMs: number | null,
    onResponse: (response: http.IncomingMessage, settle: Settle<T>) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let isSettled = false;
      let isTimedOut = false;
      let cancelTimer: (() => void) | null = null;
      const settle: Settle<T> = {
        resolve(value) {
          if (isSettled) return;
          isSettled = true;
          cancelTimer?.();
          resolve(value);
        },
        fail(error) {
          if (isSettled) return;
          isSettled = true;
          cancelTimer?.();
          reject(isTimedOut ? requestTimedOut() : new WorkerConnectionError(`worker ${baseUrl} did not answer: ${String(error)}`, { cause: error }));
        },
      };
      const request = http.request(
        {
          host,
          port,
          path: path.startsWith("/") ? path : `/${path}`,
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (response) => onResponse(response, settle),
      );
      request.on("error", (error) => settle.fail(error));
      if (timeoutMs !== null) {
        cancelTimer = clock.setTimeout(() => {
          isTimedOut = true;
          request.destroy();
          settle.fail(new Error("timed out"));
        }, timeoutMs);
      }
      request.end(body);
    });
  }

  return {
    post(path, body, timeoutMs) {
      return send<WorkerReply>(path, body, timeoutMs, (response, settle) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = chunks.length === 1 && chunks[0] !== undefined ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8");
          settle.resolve({ status: response.statusCode ?? 0, text });
        });
        response.on("error", (error) => settle.fail(error));
        response.on("close", () => {
          if (!response.complete) settle.fail(new Error("connection closed before the answer was complete"));
        });
      });
    },
    openStream(path, body, timeoutMs) {
      return send<WorkerStream>(path, body, timeoutMs, (response, settle) => {
        settle.resolve({ status: response.statusCode ?? 0, response });
      });
    },
    destroy() {
      agent.destroy();
    },
  };
}

interface Settle<T> {
  resolve(value: T): void;
  fail(error: unknown): void;
}
