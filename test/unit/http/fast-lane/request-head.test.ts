import { describe, expect, it } from "vitest";
import { MAX_HEAD_BYTES, readRequestHead, singleField } from "../../../../src/http/fast-lane/request-head.js";

const head = (text: string) => readRequestHead(Buffer.from(text, "latin1"));

describe("readRequestHead", () => {
  it("reads the request line and fields, lower-casing names and trimming OWS only", () => {
    const text = "POST /v1/sync-tasks?model_endpoint_id=end_1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Twice: a\r\nx-twice:\tb \r\nEmpty:\r\n\r\n{}";
    const reading = head(text);
    if (typeof reading === "string") throw new Error(`expected a head, got ${reading}`);
    expect(reading.method).toBe("POST");
    expect(reading.target).toBe("/v1/sync-tasks?model_endpoint_id=end_1");
    expect(reading.version).toBe("HTTP/1.1");
    expect(reading.size).toBe(text.length - 2);
    expect(Object.fromEntries(reading.fields)).toEqual({ host: ["127.0.0.1"], "x-twice": ["a", "b"], empty: [""] });
    expect(singleField(reading, "host")).toBe("127.0.0.1");
    expect(singleField(reading, "x-twice")).toBeNull();
    expect(singleField(reading, "absent")).toBeNull();
  });

  it("keeps obs-text in a value and does not trim characters other than space and tab", () => {
    const reading = head("GET / HTTP/1.1\r\nX-Latin: \xa0caf\xe9\xa0\r\n\r\n");
    if (typeof reading === "string") throw new Error(`expected a head, got ${reading}`);
    expect(reading.fields.get("x-latin")).toEqual(["\xa0caf\xe9\xa0"]);
  });

  it("reads a head without fields", () => {
    const reading = head("GET /healthz HTTP/1.0\r\n\r\n");
    expect(typeof reading === "string" ? reading : reading.fields.size).toBe(0);
  });

  it("waits for the blank line, and gives up past Node's header size limit", () => {
    expect(head("POST /v1/sync-tasks HTTP/1.1\r\nHost: a\r\n")).toBe("incomplete");
    expect(head("POST /v1/sync-tasks HTTP/1.1\r\nHost: a\r\n\r")).toBe("incomplete");
    expect(head(`GET / HTTP/1.1\r\nX-Big: ${"a".repeat(MAX_HEAD_BYTES)}`)).toBe("unusual");
    expect(head(`GET / HTTP/1.1\r\nX-Big: ${"a".repeat(MAX_HEAD_BYTES)}\r\n\r\n`)).toBe("unusual");
  });

  it.each([
    ["a leading empty line", "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"],
    ["a lower-case method", "get / HTTP/1.1\r\n\r\n"],
    ["an absolute-form target", "GET http://a/ HTTP/1.1\r\n\r\n"],
    ["a space in the target", "GET /a b HTTP/1.1\r\n\r\n"],
    ["HTTP/2.0", "GET / HTTP/2.0\r\n\r\n"],
    ["a bare LF line end", "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n"],
    ["a lone CR in a value", "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"],
    ["a control character in a value", "GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n"],
    ["a space before the colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n"],
    ["a folded line", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"],
    ["a line without a colon", "GET / HTTP/1.1\r\nHost\r\n\r\n"],
    ["an empty name", "GET / HTTP/1.1\r\n: a\r\n\r\n"],
    ["a non-token name", "GET / HTTP/1.1\r\nX(y): a\r\n\r\n"],
    ["a non-ASCII name", "GET / HTTP/1.1\r\nX\xe9: a\r\n\r\n"],
  ])("calls %s unusual, for Node's parser to answer", (_what, text) => {
    expect(head(text)).toBe("unusual");
  });
});
