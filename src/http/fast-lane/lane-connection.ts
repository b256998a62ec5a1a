/**
 * One client connection while the fast lane serves it. Requests are read one at a time, in order:
 * the next head is read only once the previous answer is written, so answers can never cross (RFC
 * 9112 §9.3.2). The first request the lane will not serve hands the whole connection, from that
 * request's first byte, to Node's HTTP server for good; nothing of it has been consumed, so the app
 * sees exactly the bytes the client sent. A request that is not received in full within the server's
 * headersTimeout (its head) or requestTimeout (all of it) gets Node's 408 and the connection ends, as
 * Node's server does; its timer runs only while a request is partly received.
 */
import type { Socket } from "node:net";
import type { AnswerFormatter } from "./answer-bytes.js";
import { readRequestHead } from "./request-head.js";
import type { Lane } from "./lane.js";

export interface LaneConnectionContext {
  lane: Lane;
  formatter: AnswerFormatter;
  /** The server's keepAliveTimeout (ms): how long a connection may sit idle between requests. */
  keepAliveTimeoutMs(): number;
  /** The server's headersTimeout and requestTimeout (ms from a request's first byte; 0: none). */
  requestTimeouts(): { headersMs: number; requestMs: number };
  /** Gives the socket, with `unread` pushed back in front of whatever comes next, to the app's server. */
  handOff(socket: Socket, unread: Buffer): void;
}

const EMPTY = Buffer.alloc(0);
/** What Node's server writes when a request was not received in time. */
const REQUEST_TIMEOUT_ANSWER = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n";

export function serveLaneConnection(socket: Socket, context: LaneConnectionContext): void {
  // Received bytes not yet consumed by a request, kept as chunks so a large body is copied once.
  let chunks: Buffer[] = [];
  let received = 0;
  /** Bytes the current head and body need before anything can be done. */
  let needed = 1;
  let isServing = false;
  let isEnded = false;
  let isDone = false;
  /** When the lane began reading the request in progress (ms), and whether its head is read. */
  let requestStartedAt: number | null = null;
  let isHeadRead = false;
  let deadline: NodeJS.Timeout | null = null;

  const unread = (): Buffer => {
    if (chunks.length !== 1) chunks = [chunks.length === 0 ? EMPTY : Buffer.concat(chunks, received)];
    return chunks[0] ?? EMPTY;
  };
  const consume = (count: number): void => {
    const rest = unread().subarray(count);
    chunks = rest.byteLength === 0 ? [] : [rest];
    received = rest.byteLength;
  };

  /** The request in progress is complete, handed off or abandoned: its timer stops. */
  const settleRequest = (): void => {
    requestStartedAt = null;
    isHeadRead = false;
    if (deadline !== null) clearTimeout(deadline);
    deadline = null;
  };
  /** Ms left before the partial request in progress is late; null when no timeout applies. */
  const timeLeft = (): number | null => {
    if (requestStartedAt === null) return null;
    const { headersMs, requestMs } = context.requestTimeouts();
    const limits = [requestMs, isHeadRead ? 0 : headersMs].filter((limit) => limit > 0);
    return limits.length === 0 ? null : requestStartedAt + Math.min(...limits) - Date.now();
  };
  const onDeadline = (): void => {
    deadline = null;
    if (isDone || isServing) return;
    const left = timeLeft();
    if (left === null) return;
    if (left > 0) {
      deadline = setTimeout(onDeadline, left);
      return;
    }
    detach();
    socket.write(REQUEST_TIMEOUT_ANSWER);
    socket.destroy();
  };

  const detach = (): void => {
    isDone = true;
    settleRequest();
    socket.setTimeout(0);
    socket.off("data", onData);
    socket.off("end", onEnd);
    socket.off("timeout", onTimeout);
  };
  const handOff = (): void => {
    detach();
    if (isEnded) {
      // A stream cannot take bytes back after its end; a client that half-closed behind a lane
      // request and a pipelined other one loses the second (Node answers it; no known client does it).
      socket.end();
      return;
    }
    socket.pause();
    context.handOff(socket, unread());
    // The app's server attached its own error listener in handOff.
    socket.off("error", onError);
    socket.resume();
  };
  /** Called when the bytes so far do not make a request: more may come, unless the client ended. */
  const waitForMore = (): void => {
    if (!isEnded) {
      const left = deadline === null ? timeLeft() : null;
      if (left !== null) deadline = setTimeout(onDeadline, Math.max(0, left));
      return;
    }
    // The client sent all it will; a partial request can never be completed.
    detach();
    socket.end();
  };

  const next = (): void => {
    while (!isServing && !isDone) {
      if (received > 0) requestStartedAt ??= Date.now();
      if (received < needed) return waitForMore();
      const head = readRequestHead(unread());
      if (head === "incomplete") {
        needed = received + 1;
        return waitForMore();
      }
      if (head === "unusual") return handOff();
      const bodySize = context.lane.bodySize(head);
      if (bodySize === null) return handOff();
      if (received < head.size + bodySize) {
        needed = head.size + bodySize;
        isHeadRead = true;
        return waitForMore();
      }
      const request = unread();
      const answer = context.lane.serve(head, request.subarray(head.size, head.size + bodySize));
      if (answer === null) return handOff();
      settleRequest();
      consume(head.size + bodySize);
      needed = 1;
      isServing = true;
      const isKeepAlive = !/^close$/i.test(head.fields.get("connection")?.[0] ?? "");
      answer.then(
        (value) => {
          if (isDone || socket.destroyed) return;
          const keepAliveMs = context.keepAliveTimeoutMs();
          const keepAliveSeconds = isKeepAlive && !isEnded ? Math.floor(keepAliveMs / 1000) : null;
          socket.write(context.formatter.format(value, keepAliveSeconds));
          isServing = false;
          if (keepAliveSeconds === null) {
            detach();
            socket.end();
            return;
          }
          next();
        },
        () => socket.destroy(),
      );
    }
  };

  function onData(chunk: Buffer): void {
    chunks.push(chunk);
    received += chunk.byteLength;
    if (!isServing && received >= needed) next();
  }
  function onEnd(): void {
    isEnded = true;
    if (!isServing) next();
  }
  function onTimeout(): void {
    // Every read and write restarts the socket's timer, so only a connection idle between requests
    // times out; one waiting on a long predict is left alone, as Node's server leaves it.
    if (!isServing) socket.destroy();
  }
  function onError(): void {
    // Only the socket itself is lost; Node's server does the same for a client that resets.
    socket.destroy();
  }

  socket.on("data", onData);
  socket.on("end", onEnd);
  socket.on("timeout", onTimeout);
  socket.on("error", onError);
  // Set once, not per request: re-arming a socket's timer costs a timer-list update each time.
  socket.setTimeout(context.keepAliveTimeoutMs());
}
