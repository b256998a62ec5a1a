import { describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import { FaultRegistry, type FaultSpec } from "../../../src/domain/control/fault-rules.js";
import { LaunchError } from "../../../src/domain/errors.js";
import { withFaults } from "../../../src/gateway/faults.js";
import type { WorkerClient } from "../../../src/domain/gateway-ports.js";
import { WorkerConnectionError } from "../../../src/gateway/worker-client.js";

const spec = (overrides: Partial<FaultSpec>): FaultSpec => ({
  kind: "fail",
  count: 1,
  probability: 1,
  statusCode: 500,
  body: "{}",
  latencyMs: 0,
  ...overrides,
});

/** The real client underneath: records calls and the time limit each one got. */
function innerClient() {
  const calls: { path: string; timeoutMs: number | null }[] = [];
  const client: WorkerClient = {
    post: async (path, _body, timeoutMs) => {
      calls.push({ path, timeoutMs });
      return { status: 200, text: '{"result": "ok"}' };
    },
    openStream: async () => {
      throw new Error("not used");
    },
    destroy: () => undefined,
  };
  return { client, calls };
}

function setup() {
  const clock = new FakeClock();
  const faults = new FaultRegistry();
  const inner = innerClient();
  let kills = 0;
  const client = withFaults(inner.client, faults, { endpointId: "e1", workerId: "e1-w1", kill: () => kills++ }, clock);
  return { clock, faults, inner, client, kills: () => kills };
}

describe("the fault-injecting worker client", () => {
  it("passes calls through untouched when no rule hits", async () => {
    const { client, inner } = setup();
    await expect(client.post("/predict", "{}", 1000)).resolves.toEqual({ status: 200, text: '{"result": "ok"}' });
    expect(inner.calls).toEqual([{ path: "/predict", timeoutMs: 1000 }]);
  });

  it("answers a fail rule itself, without reaching the worker", async () => {
    const { client, faults, inner } = setup();
    faults.add("e1", spec({ statusCode: 429, body: "slow down" }));
    await expect(client.post("/predict", "{}", null)).resolves.toEqual({ status: 429, text: "slow down" });
    expect(inner.calls).toEqual([]);
  });

  it("kills the worker and drops the call on a crash rule", async () => {
    const { client, faults, kills } = setup();
    faults.add("e1", spec({ kind: "crash" }));
    await expect(client.post("/predict", "{}", null)).rejects.toBeInstanceOf(WorkerConnectionError);
    expect(kills()).toBe(1);
  });

  it("waits the latency on the injected clock, inside the call's time limit", async () => {
    const { client, faults, inner, clock } = setup();
    faults.add("e1", spec({ kind: "latency", latencyMs: 300 }));
    let isDone = false;
    const call = client.post("/predict", "{}", 1000).then(() => (isDone = true));
    await clock.advance(299);
    expect(isDone).toBe(false);
    await clock.advance(1);
    await call;
    expect(inner.calls).toEqual([{ path: "/predict", timeoutMs: 700 }]);
  });

  it("turns latency beyond the time limit into the gateway's 408", async () => {
    const { client, faults, inner, clock } = setup();
    faults.add("e1", spec({ kind: "latency", latencyMs: 5000 }));
    const call = client.post("/predict", "{}", 1000);
    const outcome = call.then(
      () => null,
      (error: unknown) => error,
    );
    await clock.advance(1000);
    const error = await outcome;
    expect(error).toBeInstanceOf(LaunchError);
    expect(error).toMatchObject({ code: "REQUEST_TIMEOUT", message: "Request timed out." });
    expect(inner.calls).toEqual([]);
  });

  it("serves a fail rule on the streaming path as a complete upstream answer", async () => {
    const { client, faults } = setup();
    faults.add("e1", spec({ statusCode: 500, body: '{"traceback": "x"}' }));
    const stream = await client.openStream("/stream", "[]", null);
    expect(stream.status).toBe(500);
    let text = "";
    for await (const chunk of stream.text) text += chunk;
    expect(text).toBe('{"traceback": "x"}');
    expect(stream.isComplete).toBe(true);
  });
});
