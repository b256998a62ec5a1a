import { type IncomingMessage, request as httpRequest } from "node:http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PredictResponse } from "../../src/domain/task.js";
import { auth, createTasksTestApp, type TasksTestApp } from "./tasks-app.js";

/** Lifecycle of an SSE answer over a real socket: pings, a failing source, a client that leaves. */

const event = (result: unknown): PredictResponse => ({ status: "SUCCESS", result: { result }, traceback: null, status_code: 200 });

interface Outcome {
  status: number | undefined;
  text: string;
  /** "end": the body finished cleanly; "aborted": the connection broke off mid-body. */
  ending: "end" | "aborted";
}

function post(app: TasksTestApp, onResponse?: (res: IncomingMessage, destroy: () => void) => void): Promise<Outcome> {
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("server is not listening on a port");
  const { port } = address;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        port,
        method: "POST",
        path: "/v1/streaming-tasks?model_endpoint_id=end_stream",
        headers: { authorization: auth(), "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        let settled = false;
        const settle = (ending: Outcome["ending"]) => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode, text, ending });
        };
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => settle("end"));
        res.on("aborted", () => settle("aborted"));
        res.on("error", () => settle("aborted"));
        res.on("close", () => settle(res.complete ? "end" : "aborted"));
        onResponse?.(res, () => req.destroy());
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ args: {} }));
  });
}

describe("streaming-task lifecycle", () => {
  let app: TasksTestApp;

  beforeEach(async () => {
    app = createTasksTestApp({ pingIntervalMs: 20 });
    await new Promise<void>((resolve) => app.server.listen(0, "127.0.0.1", resolve));
  });
  afterEach(() => app.close());

  it("sends comment pings while the source is quiet", async () => {
    let sawPing = (): void => undefined;
    const pinged = new Promise<void>((resolve) => (sawPing = resolve));
    app.scheduler.streamEvents = async function* () {
      yield event("first");
      await pinged; // quiet until the client has read a ping
      yield event("second");
    };
    const outcome = await post(app, (res) => res.on("data", (chunk: string) => chunk.includes(": ping") && sawPing()));
    expect(outcome.ending).toBe("end");
    const frames = outcome.text.split("\r\n\r\n");
    expect(frames.pop()).toBe("");
    expect(frames[0]).toBe('data: {"status":"SUCCESS","result":{"result":"first"},"traceback":null,"status_code":200}');
    expect(frames[frames.length - 1]).toBe('data: {"status":"SUCCESS","result":{"result":"second"},"traceback":null,"status_code":200}');
    const pings = frames.slice(1, -1);
    expect(pings.length).toBeGreaterThan(0);
    // The fake clock reads 2026-01-02T03:04:05.678Z; Python prints it as str(datetime) with +00:00.
    for (const ping of pings) expect(ping).toBe(": ping - 2026-01-02 03:04:05.678000+00:00");
  });

  it("aborts the response when the source throws mid-stream", async () => {
    app.scheduler.streamEvents = async function* () {
      yield event("partial");
      throw new Error("upstream 400");
    };
    const outcome = await post(app);
    expect(outcome.status).toBe(200);
    expect(outcome.ending).toBe("aborted");
    expect(outcome.text).toBe('data: {"status":"SUCCESS","result":{"result":"partial"},"traceback":null,"status_code":200}\r\n\r\n');
  });

  it("aborts, not hangs, when the source throws before its first event", async () => {
    // eslint-disable-next-line require-yield -- the source fails before it yields anything
    app.scheduler.streamEvents = async function* () {
      await Promise.resolve();
      throw new Error("upstream 400");
    };
    const outcome = await post(app);
    expect(outcome.ending).toBe("aborted");
    expect(outcome.text).toBe("");
  });

  it("stops the source when the client disconnects", async () => {
    let produced = 0;
    let isReturned = false;
    app.scheduler.streamEvents = () => ({
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          await new Promise((resolve) => setImmediate(resolve)); // one event per turn of the event loop
          produced += 1;
          return { done: false, value: event(produced) };
        },
        return: async () => {
          isReturned = true;
          return { done: true, value: undefined };
        },
      }),
    });
    await post(app, (res, destroy) => res.once("data", destroy));
    await vi.waitFor(() => expect(isReturned).toBe(true));
    const producedAtReturn = produced;
    // Asserting that nothing more happens: a source still pulled would produce an event each turn,
    // so twenty turns of the event loop would show it (no timed wait).
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(produced).toBeLessThanOrEqual(producedAtReturn + 1);
  });
});
