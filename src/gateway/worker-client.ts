/**
 * HTTP to one worker: the hot path of every predict. `post` and `openStream` share up to one warm
 * connection per slot (worker-connection.ts: one write per request, a small response parser); the
 * scheduler already bounds concurrency, so a request never waits for a connection. `openStream`
 * hands the answer's body on as it arrives. Both send the worker's token (gateway-ports.ts
 * WORKER_TOKEN_HEADER) when it has one.
 */
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
  const maxIdle = Math.max(1, slots);
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

  /** Resolves once the answer's head arrived; `timeoutMs` bounds the wait for it. */
  function openStream(path: string, body: string | Uint8Array, timeoutMs: number | null): Promise<WorkerStream> {
    const target = path.startsWith("/") ? path : `/${path}`;
    if (/[^\x21-\x7e]/.test(target)) return Promise.reject(new TypeError(`Request path contains unescaped characters: ${JSON.stringify(target)}`));
    if (isDestroyed) return Promise.reject(new WorkerConnectionError(`worker ${baseUrl} did not answer: the client was closed`));
    const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    const head = `POST ${target} HTTP/1.1\r\n${headLines}Content-Length: ${length}\r\n\r\n`;
    const conn = connection();
    return new Promise<WorkerStream>((resolve, reject) => {
      let isTimedOut = false;
      const cancelTimer =
        timeoutMs === null
          ? null
          : clock.setTimeout(() => {
              isTimedOut = true;
              conn.destroy(new Error("timed out"));
            }, timeoutMs);
      const text = new StreamText(conn);
      conn.stream(head, body, {
        head(status) {
          cancelTimer?.();
          resolve({
            status,
            text,
            get isComplete() {
              return text.isComplete;
            },
            close: () => text.close(),
          });
        },
        data: (chunk) => text.push(chunk),
        end(error) {
          cancelTimer?.();
          text.end(error === null);
          if (error !== null)
            reject(isTimedOut ? requestTimedOut() : new WorkerConnectionError(`worker ${baseUrl} did not answer: ${String(error)}`, { cause: error }));
        },
      });
    });
  }

  return {
    post,
    openStream,
    destroy() {
      isDestroyed = true;
      for (const conn of [...open]) conn.destroy(new Error("the client was closed"));
    },
  };
}

/** Text pieces queued beyond this pause the worker's socket until the reader catches up. */
const MAX_QUEUED_CHARS = 1 << 20;

/**
 * A streamed answer's body as the port's AsyncIterable: the pieces that arrived since the last read
 * come out as one string, so a reader that falls behind catches up in one step; one promise per
 * wait, none per piece. Closing it early drops the connection (its answer is unread).
 */
class StreamText implements AsyncIterable<string> {
  private queued: string[] = [];
  private queuedChars = 0;
  private waiting: ((result: IteratorResult<string>) => void) | null = null;
  private isEnded = false;
  private isPaused = false;
  isComplete = false;

  constructor(private readonly connection: WorkerConnection) {}

  push(text: string): void {
    if (this.isEnded) return;
    const waiting = this.waiting;
    if (waiting !== null) {
      this.waiting = null;
      waiting({ value: text, done: false });
      return;
    }
    this.queued.push(text);
    this.queuedChars += text.length;
    if (this.queuedChars > MAX_QUEUED_CHARS && !this.isPaused) {
      this.isPaused = true;
      this.connection.pause();
    }
  }

  /** The body ended: as framed (`isComplete`), or cut off. */
  end(isComplete: boolean): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.isComplete = isComplete;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.({ value: undefined, done: true });
  }

  close(): void {
    if (!this.isEnded) this.connection.destroy(new Error("the stream's reader stopped"));
    this.queued = [];
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    return {
      next: () => {
        if (this.queued.length > 0) {
          const value = this.queued.length === 1 ? (this.queued[0] ?? "") : this.queued.join("");
          this.queued = [];
          this.queuedChars = 0;
          if (this.isPaused) {
            this.isPaused = false;
            this.connection.resume();
          }
          return Promise.resolve({ value, done: false });
        }
        if (this.isEnded) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
