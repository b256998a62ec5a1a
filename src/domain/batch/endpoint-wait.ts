/**
 * §6.1 step 1: a batch job waits until its temporary endpoint is no longer being built. The real
 * orchestrator polls every 5 s; here the poll is short, read from the endpoint row (one indexed read),
 * and ends early when the job is stopped or its deadline wakes it.
 */
import type { Clock } from "../clock.js";
import type { EndpointStatus } from "../endpoint.js";
import type { EndpointRepository } from "../ports.js";
import type { ActiveJob } from "./active-job.js";

export type EndpointWait = { kind: "ready" } | { kind: "stopped" } | { kind: "timeout" } | { kind: "failed"; reason: string };

const UPDATING: ReadonlySet<EndpointStatus> = new Set(["UPDATE_PENDING", "UPDATE_IN_PROGRESS"]);

export async function waitForEndpoint(
  deps: { endpoints: Pick<EndpointRepository, "get">; clock: Clock },
  job: ActiveJob,
  endpointId: string | null,
  deadlineAt: number,
  pollMs: number,
): Promise<EndpointWait> {
  const { endpoints, clock } = deps;
  for (;;) {
    if (job.isStopped) return { kind: "stopped" };
    const endpoint = endpointId === null ? null : endpoints.get(endpointId);
    if (endpoint === null) return { kind: "failed", reason: "The batch job's endpoint no longer exists." };
    if (endpoint.status === "READY") return { kind: "ready" };
    if (!UPDATING.has(endpoint.status)) {
      // The real orchestrator crashes here and leaves the job PENDING for ever (§3.3); FAILURE says why.
      return { kind: "failed", reason: `The batch job's endpoint ended in ${endpoint.status}: ${endpoint.statusReason ?? "no reason given"}` };
    }
    if (clock.now() >= deadlineAt) return { kind: "timeout" };
    await job.pause(clock, Math.min(pollMs, Math.max(0, deadlineAt - clock.now())));
  }
}
