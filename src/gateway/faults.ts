/**
 * Fault injection on the request path to workers (README "Control API"): a WorkerClient that asks the
 * fault rules before each call and, when one hits, behaves as the worker would have — an answer with
 * the rule's status and body, a stall, or a worker that dies under the request. Sync, streaming and
 * async calls all go through a worker's client, so the gateway logic above shapes an injected fault
 * exactly like a real one (§2.3: 500 → sync FAILURE, 429/503 retried; §4.4: a lost async task is
 * redelivered). connect.ts puts it in front of every worker's client when fault rules exist.
 */
import type { Clock } from "../domain/clock.js";
import type { FaultDecision, FaultSource } from "../domain/control/fault-rules.js";
import type { WorkerClient, WorkerStream } from "../domain/gateway-ports.js";
import { WorkerConnectionError, requestTimedOut } from "./worker-client.js";

export interface FaultTarget {
  endpointId: string;
  workerId: string;
  /** Hard-kills the worker, as a crash would. */
  kill(): void;
}

/** A complete upstream answer for the streaming path, read like any other. */
function cannedStream(statusCode: number, body: string): WorkerStream {
  async function* text(): AsyncGenerator<string> {
    yield body;
  }
  return { status: statusCode, text: text(), isComplete: true, close: () => undefined };
}

export function withFaults(client: WorkerClient, faults: FaultSource, target: FaultTarget, clock: Clock): WorkerClient {
  /** Waits the injected latency inside the call's own time limit (a stall past it is the gateway's 408). */
  async function stall(decision: FaultDecision, timeoutMs: number | null): Promise<number | null> {
    if (decision.latencyMs <= 0) return timeoutMs;
    if (timeoutMs !== null && decision.latencyMs >= timeoutMs) {
      await clock.sleep(timeoutMs);
      throw requestTimedOut();
    }
    await clock.sleep(decision.latencyMs);
    return timeoutMs === null ? null : timeoutMs - decision.latencyMs;
  }

  const crash = (): never => {
    target.kill();
    throw new WorkerConnectionError(`worker ${target.workerId} crashed (injected fault)`);
  };

  async function faultyPost(decision: FaultDecision, path: string, body: string | Uint8Array, timeoutMs: number | null) {
    const left = await stall(decision, timeoutMs);
    const action = decision.action;
    if (action === null) return client.post(path, body, left);
    if (action.kind === "crash") return crash();
    return { status: action.statusCode, text: action.body };
  }

  async function faultyStream(decision: FaultDecision, path: string, body: string | Uint8Array, timeoutMs: number | null) {
    const left = await stall(decision, timeoutMs);
    const action = decision.action;
    if (action === null) return client.openStream(path, body, left);
    if (action.kind === "crash") return crash();
    return cannedStream(action.statusCode, action.body);
  }

  // The hot path stays one map lookup and a direct call when no rule hits (no extra promise).
  return {
    post(path, body, timeoutMs) {
      const decision = faults.decide(target.endpointId);
      return decision === null ? client.post(path, body, timeoutMs) : faultyPost(decision, path, body, timeoutMs);
    },
    openStream(path, body, timeoutMs) {
      const decision = faults.decide(target.endpointId);
      return decision === null ? client.openStream(path, body, timeoutMs) : faultyStream(decision, path, body, timeoutMs);
    },
    destroy() {
      client.destroy();
    },
  };
}
