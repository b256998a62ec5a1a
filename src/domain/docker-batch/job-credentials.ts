/**
 * Credentials for the jobs launch-local starts on a user's behalf (job-grant.ts): a bearer token
 * `launch-local-job.<job id>.<HMAC-SHA256 of the id>`, keyed by the instance's signing secret. It
 * names its job, so it is good only while that job's row exists and is PENDING or RUNNING: cancel
 * deletes the row and ends it at once, and so does the job finishing. It is given to the job in its
 * environment, never stored.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { DockerBatchJobRepository } from "../job-ports.js";
import type { JobGrant } from "./job-grant.js";

export const JOB_TOKEN_PREFIX = "launch-local-job.";

/** The job a token speaks for: its owner and what it may do. */
export interface JobCaller {
  jobId: string;
  owner: string;
  grant: JobGrant;
}

export interface JobCredentials {
  tokenFor(jobId: string): string;
  /** The caller behind a token, or null when it is forged, malformed or its job is over. */
  resolve(token: string): JobCaller | null;
}

export const isJobToken = (credential: string): boolean => credential.startsWith(JOB_TOKEN_PREFIX);

export function createJobCredentials(secret: string, jobs: Pick<DockerBatchJobRepository, "get">): JobCredentials {
  const mac = (jobId: string): Buffer => createHmac("sha256", secret).update(`launch-local job credentials\n${jobId}`).digest();
  return {
    tokenFor: (jobId) => `${JOB_TOKEN_PREFIX}${jobId}.${mac(jobId).toString("hex")}`,
    resolve(token) {
      if (!isJobToken(token)) return null;
      const [jobId, signature, ...rest] = token.slice(JOB_TOKEN_PREFIX.length).split(".");
      if (jobId === undefined || signature === undefined || rest.length > 0 || !/^[0-9a-f]{64}$/.test(signature)) return null;
      if (!timingSafeEqual(Buffer.from(signature, "hex"), mac(jobId))) return null;
      const job = jobs.get(jobId);
      if (job === null || job.grant === null || (job.status !== "PENDING" && job.status !== "RUNNING")) return null;
      return { jobId, owner: job.owner, grant: job.grant };
    },
  };
}
