import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerBlobToken } from "../../src/blobs/signed-url.js";
import { type TestApp, createTestApp } from "../helpers/test-app.js";

let app: TestApp;
let token: string;
const base = () => `${app.url}/_launch_local/worker-blobs`;

beforeAll(async () => {
  app = await createTestApp({ signingSecret: "worker-blob-secret" });
  token = workerBlobToken("worker-blob-secret");
  await app.instance.services.blobs.put("s3://launch-local/inputs/x.bin", Buffer.from("input bytes"));
});

afterAll(async () => {
  await app.close();
});

const call = (method: string, path: string, bearer: string | null, body?: string) =>
  fetch(`${base()}/${path}`, { method, body, headers: bearer === null ? {} : { Authorization: `Bearer ${bearer}` } });

describe("the worker blob routes (workers on other machines: Ray nodes)", () => {
  it("reads any object and writes result pickles with the token", async () => {
    const read = await call("GET", "launch-local/inputs/x.bin", token);
    expect(read.status).toBe(200);
    expect(await read.text()).toBe("input bytes");
    const write = await call("PUT", "launch-local/tmp/hosted-model-inference-outputs/r1.pkl", token, "result");
    expect(write.status).toBe(200);
    expect((await app.instance.services.blobs.read("s3://launch-local/tmp/hosted-model-inference-outputs/r1.pkl")).toString()).toBe("result");
  });

  it("refuses a missing or wrong token, a write outside the results prefix, and keys that leave the blob folder", async () => {
    for (const bearer of [null, "0".repeat(64), "short"]) {
      const answer = await call("GET", "launch-local/inputs/x.bin", bearer);
      expect(answer.status).toBe(403);
      expect(await answer.json()).toEqual({ detail: "Invalid or expired signature" });
    }
    expect((await call("PUT", "launch-local/inputs/x.bin", token, "overwrite")).status).toBe(403);
    expect((await call("PUT", "other-bucket/tmp/hosted-model-inference-outputs/r.pkl", token, "x")).status).toBe(403);
    expect((await call("PUT", "launch-local/tmp/hosted-model-inference-outputs/%2e%2e/%2e%2e/inputs/x.bin", token, "x")).status).toBeGreaterThanOrEqual(400);
    expect((await app.instance.services.blobs.read("s3://launch-local/inputs/x.bin")).toString()).toBe("input bytes");
    expect((await call("GET", "launch-local/inputs/missing.bin", token)).status).toBe(404);
  });
});
