/**
 * Sync predict (server-contract.md §2.3): the trip (trip.ts) to a worker of the endpoint, the body and
 * route the forwarder sends (§4.2), the answer shaped as forwarder and gateway shape it
 * (forwarding-sync.ts), and the `callback` hook on SUCCESS (§4.5).
 */
import type { EndpointRecord } from "../domain/endpoint.js";
import type { WorkerLease } from "../domain/gateway-ports.js";
import type { PredictRequest, PredictResponse } from "../domain/task.js";
import type { CallbackSender } from "./callbacks.js";
import { forwardModeOf, predictRouteOf, runnableBody, serializeResultsAsString } from "./forwarding.js";
import { exhaustedResponse, refusedResponse, shapeSyncReply } from "./forwarding-sync.js";
import { type Attempt, type TripDeps, postTo, tripToWorker } from "./trip.js";

export type SyncPredict = (endpoint: EndpointRecord, request: PredictRequest, raw: Record<string, unknown>, rawBody?: Uint8Array) => Promise<PredictResponse>;

export function createSyncTrip(deps: TripDeps & { callbacks: CallbackSender }): SyncPredict {
  /** One call; the shaped answer or the reason to retry. Throws 400/408 LaunchErrors. */
  async function attempt(
    lease: WorkerLease,
    request: PredictRequest,
    raw: Record<string, unknown>,
    rawBody: Uint8Array | undefined,
  ): Promise<Attempt<PredictResponse>> {
    const { flavor } = lease.bundle;
    const mode = forwardModeOf(flavor);
    // Artifact workers get the whole request (the bytes as received when the caller has them);
    // runnable images only `args` (§4.2).
    const body = mode === "artifact" ? (rawBody ?? JSON.stringify(raw)) : runnableBody(request, rawBody);
    const reply = await postTo(lease, predictRouteOf(flavor, request.destinationPath), body);
    if (reply === "connection") return { kind: "retry", reason: "connection" };
    const asString = mode === "runnable" && serializeResultsAsString(raw, request.args, true);
    const outcome = shapeSyncReply(mode, reply.status, reply.text, asString);
    return outcome.kind === "done" ? { kind: "done", value: outcome.response } : { kind: "retry", reason: outcome.status };
  }

  return async (endpoint, request, raw, rawBody) => {
    const end = await tripToWorker(deps, endpoint.id, request, (lease) => attempt(lease, request, raw, rawBody));
    if (end.kind === "exhausted") return exhaustedResponse(end.reason);
    if (end.kind === "refused") return refusedResponse(end.statusReason);
    // The sync caller is not known here; the endpoint's creator stands in for user_id (§4.5).
    if (end.value.status === "SUCCESS") deps.callbacks.send(endpoint, request, end.value.result, null, endpoint.createdBy);
    return end.value;
  };
}
