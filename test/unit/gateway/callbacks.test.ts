import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import type { EndpointRecord } from "../../../src/domain/endpoint.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { callbackAuthorization, createCallbackSender } from "../../../src/gateway/callbacks.js";
import { makeRequest } from "../scheduler/harness.js";

const endpoint = { postInferenceHooks: ["callback"], defaultCallbackUrl: "http://127.0.0.1:9/cb", defaultCallbackAuth: null } as unknown as EndpointRecord;

describe("callback delivery (§4.5)", () => {
  it("tries up to 3 times with back-off and stops at the first 2xx", async () => {
    const clock = new FakeClock();
    const statuses = [503, 500, 200, 200];
    const calls: number[] = [];
    const fetchImpl = (async () => {
      calls.push(clock.now());
      return new Response("{}", { status: statuses[calls.length - 1] ?? 200 });
    }) as typeof fetch;
    createCallbackSender({ clock, logger: silentLogger, fetchImpl }).send(endpoint, makeRequest({ y: 1 }), { result: "1" }, "t1", "me");
    // Small steps: each attempt's promise settles between steps, then its back-off timer starts.
    for (let i = 0; i < 100; i++) await clock.advance(50);
    expect(calls.length).toBe(3);
    const [first = 0, second = 0, third = 0] = calls;
    expect(second - first).toBeGreaterThanOrEqual(500);
    expect(second - first).toBeLessThan(1_000);
    expect(third - second).toBeGreaterThanOrEqual(1_000);
    expect(third - second).toBeLessThan(1_500);
  });

  it("uses basic credentials when given, else the user's name with an empty password", () => {
    const decode = (header: string) => Buffer.from(header.slice("Basic ".length), "base64").toString();
    expect(decode(callbackAuthorization({ kind: "basic", username: "u", password: "p" }, "me"))).toBe("u:p");
    expect(decode(callbackAuthorization({ kind: "mtls", cert: "c", key: "k" }, "me"))).toBe("me:");
    expect(decode(callbackAuthorization(null, "me"))).toBe("me:");
  });
});
