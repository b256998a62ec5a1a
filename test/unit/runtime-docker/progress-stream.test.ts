import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import { createLineSplitter, followProgress, parseProgressLine } from "../../../src/runtime/docker/progress-stream.js";

describe("engine progress stream", () => {
  it("parses stream, status and error messages", () => {
    const none = { stream: null, status: null, error: null, id: null, progress: null };
    expect(parseProgressLine('{"stream":"Step 1/5 : FROM x\\n"}')).toEqual({ ...none, stream: "Step 1/5 : FROM x\n" });
    expect(parseProgressLine('{"status":"Pulling fs layer","id":"abc","progressDetail":{}}')).toEqual({ ...none, status: "Pulling fs layer", id: "abc" });
    expect(parseProgressLine('{"status":"Downloading","id":"abc","progressDetail":{"current":5,"total":10}}')).toEqual({
      ...none,
      status: "Downloading",
      id: "abc",
      progress: { current: 5, total: 10 },
    });
    expect(parseProgressLine('{"errorDetail":{"message":"boom"}}')).toEqual({ ...none, error: "boom" });
    expect(parseProgressLine("not json")).toEqual({ ...none, stream: "not json\n" });
    expect(parseProgressLine("  ")).toBeNull();
  });

  it("follows a chunked stream to its end and reports the first error", async () => {
    const stream = new PassThrough();
    const seen: string[] = [];
    const done = followProgress(stream, (message) => seen.push(message.stream ?? message.error ?? ""));
    stream.write('{"stream":"a\\n"}\n{"str');
    stream.write('eam":"b\\n"}\n{"error":"first"}\n');
    stream.end('{"error":"second"}');
    await expect(done).resolves.toBe("first");
    expect(seen).toEqual(["a\n", "b\n", "first", "second"]);
  });

  it("gives up on an engine that goes quiet", async () => {
    const clock = new FakeClock();
    const stream = new PassThrough();
    const done = followProgress(stream, () => undefined, { ms: 1000, clock });
    stream.write('{"status":"waiting"}\n');
    await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(999);
    stream.write('{"status":"still"}\n');
    await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(999);
    const outcome = expect(done).rejects.toThrow(/no answer from the Docker engine for 1000 ms/);
    await clock.advance(2);
    await outcome;
  });

  it("splits build output into trimmed, non-empty lines", () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    splitter.push("Step 1/2 : FROM x\n ---> abc");
    splitter.push("def\n\nSuccessfully built  \r\n");
    splitter.push("\u001b[91m/usr/bin/python3: No module named pip\n\u001b[0m");
    splitter.push("tail");
    splitter.flush();
    expect(lines).toEqual(["Step 1/2 : FROM x", " ---> abcdef", "Successfully built", "/usr/bin/python3: No module named pip", "tail"]);
  });
});
