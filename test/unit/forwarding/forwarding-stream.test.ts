import { describe, expect, it } from "vitest";
import { UpstreamBadRequest } from "../../../src/domain/errors.js";
import { SseReader } from "../../../src/gateway/forwarding-sse.js";
import { shapeStreamFailure, streamEvent } from "../../../src/gateway/forwarding-stream.js";

describe("SseReader", () => {
  it.each([
    ["\n", "data: 1\n\ndata: 2\n\n"],
    ["\r\n", "data: 1\r\n\r\ndata: 2\r\n\r\n"],
    ["\r", "data: 1\r\rdata: 2\r\r"],
  ])("splits events on %j line ends", (_name, text) => {
    expect(new SseReader().push(text)).toEqual(["1", "2"]);
  });

  it("handles chunks split anywhere, including between \\r and \\n", () => {
    const text = ': ping\r\nevent: x\r\ndata: {"a":\r\ndata:1}\r\n\r\ndata: last\r\n\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const reader = new SseReader();
      expect([...reader.push(text.slice(0, cut)), ...reader.push(text.slice(cut))]).toEqual(['{"a":\n1}', "last"]);
    }
  });

  it("drops an unterminated last event and events without data", () => {
    const reader = new SseReader();
    expect(reader.push("event: a\n\ndata: x")).toEqual([]);
  });
});

describe("stream shaping (§2.3, §4.6)", () => {
  it("wraps each event as {result: object or raw string}", () => {
    expect(streamEvent('{"y":1}', false)).toEqual({ status: "SUCCESS", result: { result: { y: 1 } }, traceback: null, status_code: 200 });
    expect(streamEvent("hello", false)).toEqual({ status: "SUCCESS", result: { result: "hello" }, traceback: null, status_code: 200 });
    expect(streamEvent('{"y":1}', true)).toEqual({ status: "SUCCESS", result: { result: '{"y":1}' }, traceback: null, status_code: 200 });
  });

  it("turns a non-200 upstream into one FAILURE, retries 429/503, throws on 400", () => {
    expect(shapeStreamFailure(500, '{"traceback": "tb"}')).toEqual({
      kind: "done",
      response: { status: "FAILURE", result: null, traceback: "tb", status_code: 500 },
    });
    expect(shapeStreamFailure(500, '{"detail": "x"}')).toEqual({
      kind: "done",
      response: { status: "FAILURE", result: null, traceback: null, status_code: 500 },
    });
    expect(shapeStreamFailure(404, "not json")).toEqual({
      kind: "done",
      response: { status: "FAILURE", result: null, traceback: "Internal Server Error", status_code: 500 },
    });
    expect(shapeStreamFailure(503, "{}")).toEqual({ kind: "retry", status: 503 });
    expect(() => shapeStreamFailure(400, '{"error": "bad"}')).toThrow(
      new UpstreamBadRequest("Invalid request: {'detail': {'error': 'bad'}}", { error: "bad" }, "{'detail': {'error': 'bad'}}"),
    );
  });
});
