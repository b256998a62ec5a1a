import { describe, expect, it } from "vitest";
import { createEventParser, eventText, eventTokenCount, summarizeRoute } from "../../../scripts/bench/llm-streams.mjs";

describe("bench LLM streams", () => {
  it("reads SSE data across chunk boundaries, with LF or CRLF, skipping [DONE]", () => {
    const parser = createEventParser();
    expect(parser.push('data: {"a":1}\r\n\r\ndata: {"b"')).toEqual([{ a: 1 }]);
    expect(parser.push(":2}\n\n: ping\r\n\r\ndata: [DONE]\n\n")).toEqual([{ b: 2 }]);
  });

  it("finds generated text and token counts in completion, chat and v1 events", () => {
    expect(eventText({ choices: [{ text: " a" }] })).toBe(" a");
    expect(eventText({ choices: [{ delta: { role: "assistant", content: "" } }] })).toBe("");
    expect(eventText({ choices: [{ delta: { content: "b" } }] })).toBe("b");
    expect(eventText({ output: { text: "c", num_completion_tokens: 3 } })).toBe("c");
    expect(eventText({ choices: [] })).toBe("");
    expect(eventTokenCount({ usage: { completion_tokens: 4 } })).toBe(4);
    expect(eventTokenCount({ output: { num_completion_tokens: 3 } })).toBe(3);
    expect(eventTokenCount({ choices: [] })).toBeNull();
  });

  it("rates each side against the first and pairs TTFTs stream by stream", () => {
    const stream = (ttftMs: number, totalMs: number, tokens = 10) => ({ ttftMs, totalMs, tokens });
    const route = summarizeRoute(
      "/v2/completions",
      { straight: [stream(5, 100), stream(7, 100)], gateway: [stream(6, 125), stream(9, 125)] },
      { straight: 0, gateway: 8 },
    );
    expect(route.tokens).toBe(10);
    expect(route.tokensMatch).toBe(true);
    expect(route.sides.straight?.tokensPerSecond).toBe(100);
    expect(route.sides.gateway?.tokensRatio).toBeCloseTo(0.8, 10);
    expect(route.sides.gateway?.ttftAddedMs).toBe(1.5);
    expect(route.sides.gateway?.cpuMsPerStream).toBe(4);
    expect(summarizeRoute("x", { straight: [stream(1, 1, 3)], gateway: [stream(1, 1, 4)] }).tokensMatch).toBe(false);
  });
});
