import { afterEach, describe, expect, it } from "vitest";
import type { EndpointRecord } from "../../../src/domain/endpoint.js";
import type { PredictResponse } from "../../../src/domain/task.js";
import { createFakeRuntime, type FakeRuntimeOptions } from "../../helpers/fake-runtime.js";
import { FLAVORS, createHarness, makeBundle, makeEndpoint, makeRequest, type Harness } from "../scheduler/harness.js";

let harness: Harness;
afterEach(async () => harness.dispose());

async function streamingEndpoint(options: FakeRuntimeOptions = {}): Promise<EndpointRecord> {
  harness = createHarness({ runtime: createFakeRuntime(options) });
  harness.add(
    makeEndpoint("e1", "b1", {
      endpointType: "streaming",
      scaling: { minWorkers: 0, maxWorkers: 1, perWorker: 1, concurrentRequestsPerWorker: 1, forwarderMaxConcurrency: null },
    }),
    makeBundle("b1", FLAVORS.streaming),
  );
  harness.scheduler.deploy("e1");
  await harness.scheduler.idle();
  return harness.repos.endpoints.get("e1") ?? makeEndpoint("e1", "b1");
}

async function collect(stream: AsyncIterable<PredictResponse>): Promise<PredictResponse[]> {
  const items: PredictResponse[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

const success = (result: unknown): PredictResponse => ({ status: "SUCCESS", result: { result }, traceback: null, status_code: 200 });

describe("predictStream (§2.3, §4.6)", () => {
  it("yields one SUCCESS per upstream event", async () => {
    const endpoint = await streamingEndpoint();
    const args = [{ a: 1 }, "x", [1, 2]];
    expect(await collect(harness.gateway.predictStream(endpoint, makeRequest(args), { args }))).toEqual([success({ a: 1 }), success("x"), success([1, 2])]);
  });

  it("parses \\r\\n framing and keeps non-JSON data as a string", async () => {
    const custom = await streamingEndpoint({ handler: () => ({ status: 200, text: 'data: {"y": 1}\r\n\r\ndata: plain\r\n\r\n' }) });
    expect(await collect(harness.gateway.predictStream(custom, makeRequest({}), { args: {} }))).toEqual([success({ y: 1 }), success("plain")]);
  });

  it("turns a non-200 upstream into one FAILURE event", async () => {
    const endpoint = await streamingEndpoint({ handler: () => ({ status: 500, text: '{"traceback": "boom"}' }) });
    expect(await collect(harness.gateway.predictStream(endpoint, makeRequest({}), { args: {} }))).toEqual([
      { status: "FAILURE", result: null, traceback: "boom", status_code: 500 },
    ]);
  });

  it("throws on an upstream 400", async () => {
    const endpoint = await streamingEndpoint({ handler: () => ({ status: 400, text: '{"error": "bad"}' }) });
    await expect(collect(harness.gateway.predictStream(endpoint, makeRequest({}), { args: {} }))).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("yields one FAILURE 503 when a cold endpoint gets no worker in time", async () => {
    harness = createHarness();
    harness.add(makeEndpoint("e1", "b1", { endpointType: "streaming" }), makeBundle("b1", FLAVORS.streaming));
    const stream = collect(
      harness.gateway.predictStream(harness.repos.endpoints.get("e1") ?? makeEndpoint("e1", "b1"), makeRequest({}, { timeoutSeconds: 2 }), {}),
    );
    await Promise.resolve();
    await harness.clock.advance(2000);
    await expect(stream).resolves.toEqual([{ status: "FAILURE", result: null, traceback: "No healthy upstream", status_code: 503 }]);
  });

  it("releases the slot when the consumer stops early", async () => {
    const endpoint = await streamingEndpoint();
    const args = [1, 2, 3];
    for await (const item of harness.gateway.predictStream(endpoint, makeRequest(args), { args })) {
      expect(item).toEqual(success(1));
      break;
    }
    expect(harness.scheduler.listWorkers("e1").map((w) => w.inflight)).toEqual([0]);
    expect(await collect(harness.gateway.predictStream(endpoint, makeRequest([4]), { args: [4] }))).toEqual([success(4)]);
  });
});
