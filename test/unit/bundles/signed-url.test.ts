import { describe, expect, it } from "vitest";
import { blobSignature, signedBlobUrl, verifyBlobSignature } from "../../../src/blobs/signed-url.js";
import { FakeClock } from "../../../src/domain/clock.js";
import { LaunchError } from "../../../src/domain/errors.js";

const secret = "s3cret";
const forbidden = new LaunchError("FORBIDDEN", "Invalid or expired signature");

describe("signed blob URLs", () => {
  it("signs 'METHOD\\n<bucket>/<key>\\n<expires>' with HMAC-SHA256, hex", () => {
    const url = signedBlobUrl({ baseUrl: "http://127.0.0.1:5001/", secret, method: "PUT", bucket: "b", key: "k/1", expires: 1700000000 });
    const signature = blobSignature(secret, "PUT", "b", "k/1", 1700000000);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(url).toBe(`http://127.0.0.1:5001/_launch_local/signed-blobs/b/k/1?expires=1700000000&signature=${signature}`);
  });

  it("is valid until its expiry second, then refused (fake clock, no sleeping)", async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const expires = Math.floor(clock.now() / 1000) + 60;
    const signature = blobSignature(secret, "PUT", "b", "k", expires);
    const check = () => verifyBlobSignature({ secret, method: "PUT", bucket: "b", key: "k", expires: String(expires), signature, nowMs: clock.now() });
    expect(check).not.toThrow();
    await clock.advance(60_999);
    expect(check).not.toThrow();
    await clock.advance(1);
    expect(check).toThrowError(forbidden);
  });

  it("refuses another method, object, secret, or a malformed query", () => {
    const expires = 4_000_000_000;
    const signature = blobSignature(secret, "PUT", "b", "k", expires);
    const base = { secret, method: "PUT" as const, bucket: "b", key: "k", expires: String(expires), signature, nowMs: 0 };
    expect(() => verifyBlobSignature(base)).not.toThrow();
    expect(() => verifyBlobSignature({ ...base, signature: signature.toUpperCase() })).not.toThrow();
    for (const bad of [
      { method: "GET" as const },
      { key: "k2" },
      { bucket: "c" },
      { secret: "other" },
      { expires: String(expires + 1) },
      { expires: undefined },
      { expires: "soon" },
      { signature: undefined },
      { signature: "abc" },
      { signature: signature.replace(/.$/, (last) => (last === "0" ? "1" : "0")) },
    ]) {
      expect(() => verifyBlobSignature({ ...base, ...bad })).toThrowError(forbidden);
    }
  });
});
