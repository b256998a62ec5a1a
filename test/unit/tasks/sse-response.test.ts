import { describe, expect, it, vi } from "vitest";
import { eventStreamResponse, nodeConnectionAbort, pingTimestamp } from "../../../src/http/sse-response.js";

const options = { pingIntervalMs: 60_000, now: () => 0, onError: () => undefined, abortConnection: null, outgoing: null };

async function* words(...items: string[]): AsyncGenerator<string> {
  for (const item of items) yield item;
}

describe("eventStreamResponse", () => {
  it("frames events with CRLF CRLF and ends with the source", async () => {
    const response = eventStreamResponse(words("a", "b"), (w) => JSON.stringify({ w }), options);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(await response.text()).toBe('data: {"w":"a"}\r\n\r\ndata: {"w":"b"}\r\n\r\n');
  });

  it("does not touch the source before the body is read", async () => {
    let isStarted = false;
    const source = (async function* () {
      isStarted = true;
      yield "x";
    })();
    const response = eventStreamResponse(source, (w) => w, options);
    // A full turn of the event loop: whatever building the response queued has run.
    await new Promise((resolve) => setImmediate(resolve));
    expect(isStarted).toBe(false);
    expect(await response.text()).toBe("data: x\r\n\r\n");
  });

  it("errors the body when the source throws and no connection abort is available", async () => {
    const errors: unknown[] = [];
    const source = (async function* () {
      yield "x";
      throw new Error("upstream");
    })();
    const response = eventStreamResponse(source, (w) => w, { ...options, onError: (e) => errors.push(e) });
    await expect(response.text()).rejects.toThrow("upstream");
    expect(errors).toHaveLength(1);
  });

  it("uses the connection abort instead of erroring the body when there is one", async () => {
    let aborts = 0;
    const source = (async function* () {
      yield "x";
      throw new Error("upstream");
    })();
    const response = eventStreamResponse(source, (w) => w, { ...options, abortConnection: () => (aborts += 1) });
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no body");
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: x\r\n\r\n");
    const pending = reader.read();
    await vi.waitFor(() => expect(aborts).toBe(1));
    await reader.cancel();
    await expect(pending).resolves.toMatchObject({ done: true });
  });

  it("calls return() on the source when the body is cancelled", async () => {
    let isClosed = false;
    const source = (async function* () {
      try {
        for (let i = 0; ; i++) yield String(i);
      } finally {
        isClosed = true;
      }
    })();
    const response = eventStreamResponse(source, (w) => w, options);
    const reader = response.body?.getReader();
    if (!reader) throw new Error("no body");
    await reader.read();
    await reader.cancel();
    expect(isClosed).toBe(true);
  });
});

describe("SSE helpers", () => {
  it("prints ping times as Python's str(datetime) in UTC", () => {
    expect(pingTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe("2026-01-02 03:04:05.678000+00:00");
  });

  it("finds no Node connection outside the Node adapter", () => {
    expect(nodeConnectionAbort(undefined)).toBeNull();
    expect(nodeConnectionAbort({ outgoing: {} })).toBeNull();
  });
});
