/**
 * One client connection while the fast lane serves it. Requests are read one at a time, in order:
 * the next head is read only once the previous answer is written, so answers can never cross (RFC
 * 9112 §9.3.2). The lane frames a request only from a head that has arrived whole and that it reads
 * itself; the first request it does not frame (a head not yet whole, an odd head, a request the lane
 * does not serve) hands the whole connection, from that request's first byte, to Node's HTTP server
 * for good. Nothing of it has been consumed, so Node's parser sees exactly the bytes the client sent
 * and answers them as it would have without the lane: a bare LF, a NUL or a folded line at once, a
 * head that stops half-way when the client goes quiet or half-closes. A body not received in full
 * within the server's requestTimeout (from the request's first byte) gets Node's 408, and one cut
 * short by the client's half-close Node's 400; either ends the connection, as Node's server does.
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
  /** The server's requestTimeout (ms from a request's first byte; 0: none). */
  requestTimeoutMs(): number;
  /** Gives the socket, with `unread` pushed back in front of whatever comes next, to the app's server. */
  handOff(socket: Socket, unread: Buffer): void;
}

const EMPTY = Buffer.alloc(0);
/** What Node's server writes when a request was not received in time. */
const REQUEST_TIMEOUT_ANSWER = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n";
/** What Node's server writes when the client ends its side inside a request (its parser's error at EOF). */
const BAD_REQUEST_ANSWER = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";

export function serveLaneConnection(socket: Socket, context: LaneConnectionContext): void {
  // Received bytes not yet consumed by a request, kept as chunks so a large body is copied once.
  let chunks: Buffer[] = [];
  let received = 0;
  /** Bytes the current request needs before anything can be done: 1, or its head and body. */
  let needed = 1;
  let isServing = false;
  let isEnded = false;
  let isDone = false;
  /** When the request in progress began to arrive (ms). */
  let requestStartedAt: number | null = null;
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
    if (deadline !== null) clearTimeout(deadline);
    deadline = null;
  };
  /** Ms left before the partial request in progress is late; null when no timeout applies. */
  const timeLeft = (): number | null => {
    const requestMs = context.requestTimeoutMs();
    return requestStartedAt === null || requestMs <= 0 ? null : requestStartedAt + requestMs - Date.now();
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
      // A stream cannot take bytes back after its end. Not reached today: once the client has
      // ended, the lane closes after the answer it is writing, and a partial body gets Node's 400.
      socket.end();
      return;
    }
    socket.pause();
    context.handOff(socket, unread());
    // The app's server attached its own error listener in handOff.
    socket.off("error", onError);
    socket.resume();
  };
  /** Called when nothing of a request has arrived, or the body of one the lane frames is still coming. */
  const waitForMore = (): void => {
    if (!isEnded) {
      const left = deadline === null ? timeLeft() : null;
      if (left !== null) deadline = setTimeout(onDeadline, Math.max(0, left));
      return;
    }
    // The client sent all it will: between requests the connection just ends; inside a body,
    // Node's parser fails at the end of input and its server answers 400.
    detach();
    if (received === 0) {
      socket.end();
      return;
    }
    socket.write(BAD_REQUEST_ANSWER);
    socket.destroy();
  };

  const next = (): void => {
    while (!isServing && !isDone) {
      if (received > 0) requestStartedAt ??= Date.now();
      if (received < needed) return waitForMore();
      // A head not yet whole is Node's too: only its parser knows when it answers one in pieces.
      const head = readRequestHead(unread());
      if (typeof head === "string") return handOff();
      const bodySize = context.lane.bodySize(head);
      if (bodySize === null) return handOff();
      if (received < head.size + bodySize) {
        needed = head.size + bodySize;
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
