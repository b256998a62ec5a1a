import { describe, expect, it } from "vitest";
import type { DockerBatchJobRecord, DockerBatchJobStatus } from "../../../src/domain/docker-batch/docker-batch-job.js";
import { createJobCredentials } from "../../../src/domain/docker-batch/job-credentials.js";
import { type JobGrant, jobGrantAllows } from "../../../src/domain/docker-batch/job-grant.js";

const grant: JobGrant = {
  files: ["train.csv"],
  reads: ["s3://b/data/train.jsonl"],
  writes: ["s3://b/w/me/models--m.jsonl"],
  writePrefixes: ["s3://b/w/me/m/"],
  endpointName: "m",
};

const call = (method: string, path: string, query: Record<string, string> = {}, body: unknown = undefined) =>
  jobGrantAllows(grant, { method, path, query, body });

describe("what a job's credentials allow (job-grant.ts)", () => {
  it("reads its own files and locations only", () => {
    expect(call("GET", "/v1/files/train.csv/content")).toBe(true);
    expect(call("GET", "/v1/files/train.csv")).toBe(true);
    expect(call("GET", "/v1/files/other.csv/content")).toBe(false);
    expect(call("DELETE", "/v1/files/train.csv")).toBe(false);
    expect(call("GET", "/v1/files")).toBe(false);
    expect(call("GET", "/_launch_local/blobs", { location: "s3://b/data/train.jsonl" })).toBe(true);
    expect(call("GET", "/_launch_local/blobs", { location: "s3://b/data/other.jsonl" })).toBe(false);
  });

  it("writes its events file and under its weights folder only", () => {
    expect(call("PUT", "/_launch_local/blobs", { location: "s3://b/w/me/models--m.jsonl" })).toBe(true);
    expect(call("PUT", "/_launch_local/blobs", { location: "s3://b/w/me/m/model.safetensors" })).toBe(true);
    expect(call("PUT", "/_launch_local/blobs", { location: "s3://b/w/me/m2/model.safetensors" })).toBe(false);
    expect(call("PUT", "/_launch_local/blobs", { location: "s3://b/w/me/m" })).toBe(false);
    expect(call("PUT", "/_launch_local/blobs")).toBe(false);
  });

  it("creates and reads the one endpoint it makes, nothing else", () => {
    expect(call("POST", "/v1/llm/model-endpoints", {}, { name: "m" })).toBe(true);
    expect(call("POST", "/v1/llm/model-endpoints", {}, { name: "n" })).toBe(false);
    expect(call("POST", "/v1/llm/model-endpoints", {}, ["m"])).toBe(false);
    expect(call("GET", "/v1/llm/model-endpoints/m")).toBe(true);
    expect(call("DELETE", "/v1/llm/model-endpoints/m")).toBe(false);
    expect(call("GET", "/v1/llm/model-endpoints")).toBe(false);
    expect(call("POST", "/v1/sync-tasks", { model_endpoint_id: "x" })).toBe(false);
    expect(call("POST", "/_launch_local/reset")).toBe(false);
  });
});

describe("job tokens (job-credentials.ts)", () => {
  const rows = new Map<string, Pick<DockerBatchJobRecord, "owner" | "status" | "grant">>();
  const setJob = (id: string, status: DockerBatchJobStatus, jobGrant: JobGrant | null = grant) => rows.set(id, { owner: "me", status, grant: jobGrant });
  const jobs = { get: (id: string) => (rows.has(id) ? ({ id, ...rows.get(id) } as DockerBatchJobRecord) : null) };
  const credentials = createJobCredentials("secret", jobs);

  it("speaks for a PENDING or RUNNING job with a grant, as its owner", () => {
    setJob("ft-1", "RUNNING");
    const token = credentials.tokenFor("ft-1");
    expect(credentials.resolve(token)).toEqual({ jobId: "ft-1", owner: "me", grant });
    setJob("ft-1", "PENDING");
    expect(credentials.resolve(token)?.owner).toBe("me");
  });

  it("stops working once the job is finished or gone, and cannot be forged or moved", () => {
    setJob("ft-2", "RUNNING");
    const token = credentials.tokenFor("ft-2");
    setJob("ft-2", "SUCCESS");
    expect(credentials.resolve(token)).toBeNull();
    rows.delete("ft-2");
    expect(credentials.resolve(token)).toBeNull();
    setJob("ft-3", "RUNNING");
    setJob("ft-4", "RUNNING");
    const signature = credentials.tokenFor("ft-3").split(".").pop() ?? "";
    expect(credentials.resolve(`launch-local-job.ft-4.${signature}`)).toBeNull();
    expect(credentials.resolve(createJobCredentials("other secret", jobs).tokenFor("ft-3"))).toBeNull();
    expect(credentials.resolve("launch-local-job.ft-3")).toBeNull();
    expect(credentials.resolve(`${credentials.tokenFor("ft-3")}.x`)).toBeNull();
    setJob("ft-5", "RUNNING", null);
    expect(credentials.resolve(credentials.tokenFor("ft-5"))).toBeNull();
  });
});
