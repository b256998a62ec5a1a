/**
 * THE pipeline's steps, in order: the one list both front doors read (ARCHITECTURE.md "Front doors").
 * app.ts mounts every step as a middleware, and the door routes (door.ts: the task routes the fast
 * lane also serves) run the same steps in the same order, so a step added here runs on both doors.
 * A middleware mounted in app.ts outside this list would skip the door routes; the pipeline test
 * (test/integration/pipeline-doors.test.ts) fails when one is.
 *
 *   0. the access log (debug level only), around everything
 *   1. an answer leaves only once the store has committed what it wrote (DESIGN.md principle 4; the
 *      store commits in groups, store/group-commit.ts)
 *   — the public routes sit here in app.ts (health, docs, signed-URL and raw-body blob routes)
 *   2. JSON body parsing and the size limit (422 json_invalid comes before 401, §0.2; 413)
 *   3. a job's own credentials (job-caller.ts), then 4. authentication (auth.ts, §0.3)
 */
import { accessLogStep } from "../access-log.js";
import { authStep } from "../auth.js";
import { jsonBodyStep } from "../body.js";
import { jobCallerStep } from "../job-caller.js";
import type { Services } from "../services.js";
import type { PipelineStep } from "./step.js";

export type PipelineServices = Pick<Services, "accessLog" | "now" | "pendingCommit" | "maxBodyBytes" | "jobCredentials" | "allowedKeys" | "adminKeys">;

export function pipelineSteps(services: PipelineServices): readonly PipelineStep[] {
  const steps: PipelineStep[] = [];
  if (services.accessLog) steps.push(accessLogStep(services.accessLog, services.now));
  steps.push(commitWaitStep(services.pendingCommit));
  steps.push(jsonBodyStep(services.maxBodyBytes));
  steps.push(jobCallerStep(services.jobCredentials));
  steps.push(authStep(services.allowedKeys, services.adminKeys));
  return steps;
}

function commitWaitStep(pendingCommit: PipelineServices["pendingCommit"]): PipelineStep {
  return {
    name: "commit-wait",
    reach: "every-request",
    after: () => pendingCommit?.() ?? undefined,
  };
}
