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
}

export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
  // Declared up front so @hono/node-server writes the head at once and streams, instead of
  // pre-reading the first chunks: that pre-read turns a source failing before its first event into
  // an empty 200 (and a console line) where the real server aborts the connection.
  "Transfer-Encoding": "chunked",
};

/** Python's `str(datetime.now(timezone.utc))`, which sse-starlette puts in its pings. */
export function pingTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

/**
 * A streaming Response over `events`. One event is pulled per read (back-pressure reaches the
 * source); a client that goes away cancels the body, which calls `return()` on the source's iterator;
 * a source that throws errors the body, which the Node adapter turns into an aborted connection —
 * never a hang, and never a half event.
 */
export function eventStreamResponse<T>(events: AsyncIterable<T>, serialize: (event: T) => string, options: EventStreamOptions): Response {
  const encoder = new TextEncoder();
  const iterator = events[Symbol.asyncIterator]();
  let isFinished = false;
  let stopPings = (): void => undefined;
  const finish = (): void => {
    isFinished = true;
    stopPings();
  };
  const closeSource = async (): Promise<void> => {
    try {
      await iterator.return?.();
    } catch {
      // The source is being abandoned; its own failure to clean up has nowhere useful to go.
    }
  };

  // highWaterMark 0: pull runs only for a waiting reader, so the source is not started before the
  // adapter has written the head, and when pull runs every earlier chunk has been handed on (the
  // Node adapter reads again only after writing). So an abort in pull never loses an earlier event.
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const timer = setInterval(() => {
          if (!isFinished) controller.enqueue(encoder.encode(`: ping - ${pingTimestamp(options.now())}\r\n\r\n`));
        }, options.pingIntervalMs);
        timer.unref();
        stopPings = () => clearInterval(timer);
      },
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (isFinished) return; // cancelled while the source was producing
          if (next.done === true) {
            finish();
            controller.close();
            return;
          }
          controller.enqueue(encoder.encode(`data: ${serialize(next.value)}\r\n\r\n`));
        } catch (error) {
          if (isFinished) return;
          finish();
          options.onError(error);
          // With abortConnection the body stays open; the adapter cancels it once the socket is gone.
          if (options.abortConnection) options.abortConnection();
          else controller.error(error);
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

/**
 * How the real server ends a stream whose upstream failed (§2.3 "stream aborts, no clean event"):
 * uvicorn flushes what was sent and closes the connection without the final chunk, so the client
 * sees a truncated body. Erroring the body stream instead would make @hono/node-server destroy the
 * socket at once (dropping events still corked in it) and print the error with console.error.
 * `env` is hono's `c.env`, which the Node adapter fills with `{ incoming, outgoing }`; on any other
 * adapter this returns null.
 */
export function nodeConnectionAbort(env: unknown): (() => void) | null {
  if (typeof env !== "object" || env === null || !("outgoing" in env)) return null;
  const outgoing = env.outgoing;
  if (!(outgoing instanceof ServerResponse)) return null;
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
