/**
 * The trip to a worker (ARCHITECTURE.md "The trip to a worker"): how a request reaches a worker of
 * its endpoint and how the answer is shaped. The scheduler decides which worker and when (the slots,
 * WorkerSlots); this folder makes the call (worker-client.ts, behind faults.ts), retries it under
 * the retry budget (trip.ts, retry-budget.ts) and shapes the answer as the real forwarder and gateway
 * do (forwarding*.ts). Sync, streaming, async and raw (LLM) calls all come through here.
 */
import type { Clock } from "../domain/clock.js";
import type { AsyncTaskRunner, InferenceGateway, WorkerSlots } from "../domain/gateway-ports.js";
import type { TripObserver } from "../domain/observe-ports.js";
import { type AsyncTripDeps, createAsyncTrip } from "./async-trip.js";
import type { CallbackSender } from "./callbacks.js";
import { observedRaw, observedStream, observedSync } from "./observed-trips.js";
import { createRawTrip } from "./raw-trip.js";
import { createStreamTrip } from "./stream-trip.js";
import { createSyncTrip } from "./sync-trip.js";

export interface GatewayDeps {
  /** The scheduler's worker slots. */
  slots: WorkerSlots;
  callbacks: CallbackSender;
  clock: Clock;
  /** Default sync/streaming wait (the real gateway's 10 s, §2.3). */
  syncTimeoutSeconds: number;
  /** Per-request metrics (README "Metrics"); absent: metrics are off and trips are not wrapped. */
  observer?: TripObserver | null;
}

/** The sync, streaming and raw entry points (InferenceGateway), over the scheduler's slots. */
export function createGateway(deps: GatewayDeps): InferenceGateway {
  const trip = { slots: deps.slots, clock: deps.clock, syncTimeoutSeconds: deps.syncTimeoutSeconds };
  const raw = createRawTrip(trip);
  const predictSync = createSyncTrip({ ...trip, callbacks: deps.callbacks });
  const predictStream = createStreamTrip(trip);
  const observer = deps.observer;
  if (!observer) return { predictSync, predictStream, callRaw: raw.callRaw, streamRaw: raw.streamRaw };
  return {
    predictSync: observedSync(observer, predictSync),
    predictStream: observedStream(observer, predictStream),
    callRaw: observedRaw(observer, raw.callRaw),
    // A raw stream's end is its consumer's; only its opening is measured.
    streamRaw: observedRaw(observer, raw.streamRaw),
  };
}

export type AsyncGatewayDeps = AsyncTripDeps;

/**
 * The async half, which the scheduler calls when a slot takes a task. Built before the scheduler
 * (it needs no slots: the scheduler hands it one), so nothing is bound after construction.
 */
export function createAsyncRunner(deps: AsyncGatewayDeps): AsyncTaskRunner {
  return createAsyncTrip(deps);
}
