/**
 * Raw calls for routes that speak the worker's own wire (the LLM routes: `/v1/completions` on the
 * engine, server-contract.md §7): the same trip as a sync predict (slot wait, faults, retries of
 * 429/503 and lost connections under the retry budget, trip.ts), with no forwarder shaping: the
 * caller gets the worker's answer as it came, or, for a stream, its body as it arrives.
 */
import type { EndpointRecord } from "../domain/endpoint.js";
import type { RawAnswer, RawCall, RawStreamAnswer, WorkerLease, WorkerReply, WorkerStream } from "../domain/gateway-ports.js";
import { type Attempt, type TripDeps, openStreamTo, postTo, readAll, tripToWorker } from "./trip.js";

const isRetryable = (status: number): status is 429 | 503 => status === 429 || status === 503;

/** A raw stream whose slot is given back once it ends or is closed. */
function releasingOnEnd(stream: WorkerStream, lease: WorkerLease): WorkerStream {
  let isReleased = false;
  const release = (): void => {
    if (isReleased) return;
    isReleased = true;
    stream.close();
    lease.release();
  };
  async function* text(): AsyncGenerator<string> {
    try {
      for await (const chunk of stream.text) yield chunk;
    } finally {
      release();
    }
  }
  return {
    status: stream.status,
    text: text(),
    get isComplete() {
      return stream.isComplete;
    },
    close: release,
  };
}

export function createRawTrip(deps: TripDeps): {
  callRaw(endpoint: EndpointRecord, call: RawCall): Promise<RawAnswer>;
  streamRaw(endpoint: EndpointRecord, call: RawCall): Promise<RawStreamAnswer>;
} {
  async function post(lease: WorkerLease, call: RawCall): Promise<Attempt<WorkerReply>> {
    const reply = await postTo(lease, call.path, call.body);
    if (reply === "connection") return { kind: "retry", reason: "connection" };
    return isRetryable(reply.status) ? { kind: "retry", reason: reply.status } : { kind: "done", value: reply };
  }

  async function open(lease: WorkerLease, call: RawCall): Promise<Attempt<RawStreamAnswer>> {
    const stream = await openStreamTo(lease, call.path, call.body);
    if (stream === "connection") return { kind: "retry", reason: "connection" };
    if (stream.status === 200) return { kind: "done", value: { kind: "stream", stream: releasingOnEnd(stream, lease) }, keepsLease: true };
    let text: string;
    try {
      text = await readAll(stream);
    } finally {
      stream.close();
    }
    if (isRetryable(stream.status)) return { kind: "retry", reason: stream.status };
    return { kind: "done", value: { kind: "answer", reply: { status: stream.status, text } } };
  }

  return {
    async callRaw(endpoint, call) {
      const end = await tripToWorker(deps, endpoint.id, call, (lease) => post(lease, call));
      return end.kind === "done" ? { kind: "answer", reply: end.value } : end;
    },
    async streamRaw(endpoint, call) {
      const end = await tripToWorker(deps, endpoint.id, call, (lease) => open(lease, call));
      return end.kind === "done" ? end.value : end;
    },
  };
}
