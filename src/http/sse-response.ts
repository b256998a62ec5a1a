import { ServerResponse } from "node:http";

/**
 * Server-sent events as sse-starlette writes them (server-contract.md §2.3, §4.6, §9 item 6):
 * `data: <payload>\r\n\r\n` per event, `: ping - <timestamp>\r\n\r\n` comments every 15 s, no
 * `[DONE]`, and the body ends when the events end.
 */
export interface EventStreamOptions {
  /** sse-starlette's default ping period is 15 s; tests shorten it. */
  pingIntervalMs: number;
  now(): number;
  /** Told about an event source that failed mid-stream (the response is then aborted). */
  onError(error: unknown): void;
  /**
   * Breaks the connection off after what was already written has been sent (see
   * `nodeConnectionAbort`). Without one, a failing source errors the body stream instead.
   */
  abortConnection: (() => void) | null;
  /**
   * Node's response under the adapter (`nodeOutgoing`), or null on any other adapter. Given, events
   * are written to it straight, and its head leaves with the first event, in one write.
   */
  outgoing: ServerResponse | null;
}

export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
  // Declared up front so @hono/node-server writes the head and streams, instead of pre-reading the
  // first chunks: that pre-read turns a source failing before its first event into an empty 200
  // (and a console line) where the real server aborts the connection.
  "Transfer-Encoding": "chunked",
};

/** Python's `str(datetime.now(timezone.utc))`, which sse-starlette puts in its pings. */
export function pingTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

/**
 * A streaming Response over `events`. The source starts on the adapter's first read (after the
 * pipeline's steps and the head, never before); a client that goes away cancels the body, which
 * calls `return()` on the source's iterator; a source that throws errors the body, which the Node
 * adapter turns into an aborted connection — never a hang, and never a half event.
 *
 * Without Node's response, one event is pulled per read (back-pressure reaches the source). With it
 * (`options.outgoing`), the first read is held for the whole stream: each event is one write of its
 * text to the response, waiting for `drain` when the socket is full, and the body closes when the
 * source ends, so the adapter still writes the head, ends the answer and cancels on a closed
 * connection, but no event goes through the web stream, its promises or a TextEncoder (issue 20
 * item 5: the gateway's CPU per streamed token).
 */
export function eventStreamResponse<T>(events: AsyncIterable<T>, serialize: (event: T) => string, options: EventStreamOptions): Response {
  const { outgoing } = options;
  const encoder = new TextEncoder();
  const iterator = events[Symbol.asyncIterator]();
  let isFinished = false;
  let pings: ReturnType<typeof setInterval> | null = null;
  // Node's headersSent turns true at writeHead, before the held head has left.
  let hasWritten = false;
  const finish = (): void => {
    isFinished = true;
    if (pings !== null) clearInterval(pings);
  };
  const closeSource = async (): Promise<void> => {
    try {
      await iterator.return?.();
    } catch {
      // The source is being abandoned; its own failure to clean up has nowhere useful to go.
    }
  };
  if (outgoing !== null) holdHead(outgoing);

  // highWaterMark 0: pull runs only for a waiting reader, so the source is not started before the
  // adapter has written the head, and when pull runs every earlier chunk has been handed on (the
  // Node adapter reads again only after writing). So an abort in pull never loses an earlier event.
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // The one way an event or a ping leaves; false when the socket is full.
        const emit =
          outgoing === null
            ? (text: string): boolean => {
                controller.enqueue(encoder.encode(text));
                return true;
              }
            : (text: string): boolean => {
                hasWritten = true;
                return outgoing.write(text);
              };
        if (pings === null && !isFinished) {
          pings = setInterval(() => {
            if (!isFinished) emit(`: ping - ${pingTimestamp(options.now())}\r\n\r\n`);
          }, options.pingIntervalMs);
          pings.unref();
        }
        try {
          do {
            const next = await iterator.next();
            if (isFinished) return; // cancelled while the source was producing
            if (next.done === true) {
              finish();
              controller.close();
              return;
            }
            if (!emit(`data: ${serialize(next.value)}\r\n\r\n`) && outgoing !== null) await drained(outgoing);
          } while (outgoing !== null && !isFinished);
        } catch (error) {
          if (isFinished) return;
          finish();
          options.onError(error);
          // With abortConnection the body stays open; the adapter cancels it once the socket is gone.
          if (options.abortConnection) {
            if (outgoing !== null && !hasWritten) sendHead(outgoing);
            options.abortConnection();
          } else controller.error(error);
          await closeSource();
        }
      },
      async cancel() {
        finish();
        await closeSource();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: EVENT_STREAM_HEADERS });
}

/** Node's response under @hono/node-server (`c.env` is `{ incoming, outgoing }`), or null on any other adapter. */
export function nodeOutgoing(env: unknown): ServerResponse | null {
  if (typeof env !== "object" || env === null || !("outgoing" in env)) return null;
  return env.outgoing instanceof ServerResponse ? env.outgoing : null;
}

/**
 * The adapter flushes a stream's head on its own, one write and one wake-up of the client before
 * any event (a millisecond of time to first token on a loaded machine). Held, Node sends the head
 * in front of the first write, the first event; `sendHead` sends it alone when none comes.
 */
function holdHead(outgoing: ServerResponse): void {
  outgoing.flushHeaders = () => undefined;
}

function sendHead(outgoing: ServerResponse): void {
  if (outgoing.writable) ServerResponse.prototype.flushHeaders.call(outgoing);
}

/** Resolves once the response can take more, or is gone (then no `drain` ever comes). */
function drained(outgoing: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      outgoing.off("drain", done);
      outgoing.off("close", done);
      resolve();
    };
    outgoing.on("drain", done);
    outgoing.on("close", done);
  });
}

/**
 * How the real server ends a stream whose upstream failed (§2.3 "stream aborts, no clean event"):
 * uvicorn flushes what was sent and closes the connection without the final chunk, so the client
 * sees a truncated body. Erroring the body stream instead would make @hono/node-server destroy the
 * socket at once (dropping events still corked in it) and print the error with console.error.
 * `env` is hono's `c.env`, which the Node adapter fills with `{ incoming, outgoing }`; on any other
 * adapter this returns null.
 */
export function nodeConnectionAbort(env: unknown): (() => void) | null {
  const outgoing = nodeOutgoing(env);
  if (outgoing === null) return null;
  return () => {
    // From Node 24 on, a response holds the chunks written in this tick (it corks itself and
    // uncorks on the next tick), out of the socket's reach; ending the socket now would drop them.
    // By setImmediate every earlier write is in the socket, and end() flushes the socket's pending
    // writes before its callback runs.
    setImmediate(() => {
      const socket = outgoing.socket;
      if (!socket || socket.destroyed) return;
      socket.end(() => socket.destroy());
    });
  };
}
