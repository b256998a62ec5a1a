import { describe, expect, it } from "vitest";
import type { UpdateEndpointRequest } from "../../../src/domain/endpoints/endpoint-requests.js";
import { UnmappedEndpointError } from "../../../src/domain/endpoints/endpoint-rules.js";
import { isLaunchError } from "../../../src/domain/errors.js";
import { createRequest, type EndpointHarness, endpointHarness, idOf, makeBundle, me, other, updateRequest } from "./fixtures.js";

function deployedHarness(): { harness: EndpointHarness; id: string } {
  const harness = endpointHarness();
  harness.service.create(
    me,
    createRequest({
      metadata: { a: 1, b: 2 },
      labels: { team: "infra", product: "launch", tier: "gold" },
      post_inference_hooks: ["callback"],
      default_callback_url: "http://cb.example/",
    }),
  );
  const id = idOf(harness);
  harness.markDeployed(id);
  harness.scheduler.calls.length = 0;
  return { harness, id };
}

function outcome(harness: EndpointHarness, id: string, overrides: Partial<UpdateEndpointRequest>): string {
  try {
    harness.service.update(me, id, updateRequest(overrides));
    return "ok";
  } catch (error) {
    if (isLaunchError(error)) return `${error.code}: ${error.message}`;
    if (error instanceof UnmappedEndpointError) return `500: ${error.message}`;
    throw error;
  }
}

describe("EndpointService.update (§2.2 PUT)", () => {
  it("merges labels, replaces metadata, keeps unspecified fields and queues a rebuild", async () => {
    const { harness, id } = deployedHarness();
    await harness.clock.advance(5000);
    const answer = harness.service.update(
      me,
      id,
      updateRequest({ metadata: { c: 3 }, labels: { team: "infra", product: "other", extra: "x" }, max_workers: 4, cpus: "2" }),
    );
    expect(answer.endpoint_creation_task_id).toMatch(/^00000000-0000-4000-8000-/);
    const record = harness.endpoints.get(id);
    expect(record).toMatchObject({
      status: "UPDATE_PENDING",
      metadata: { c: 3 },
      labels: { team: "infra", product: "other", tier: "gold", extra: "x" },
      postInferenceHooks: ["callback"],
      defaultCallbackUrl: "http://cb.example/",
      resources: { cpus: "2", memory: "1Gi", storage: "2Gi" },
      scaling: { minWorkers: 0, maxWorkers: 4, perWorker: 10 },
      hasInfraState: true,
      lastUpdatedAt: harness.clock.now(),
    });
    expect(record?.createdAt).toBe(harness.clock.now() - 5000);
    expect(harness.scheduler.calls).toEqual([`deploy ${id}`]);
  });

  it("writes a new bundle, public_inference and task settings at once", () => {
    const { harness, id } = deployedHarness();
    harness.bundles.insert(makeBundle({ id: "bun_2", name: "second" }));
    harness.service.update(me, id, updateRequest({ model_bundle_id: "bun_2", public_inference: true, task_expires_seconds: 60 }));
    expect(harness.service.get(me, id)).toMatchObject({ bundle_name: "second", public_inference: true, task_expires_seconds: 60 });
  });

  it("is allowed while a build is pending (no 409)", () => {
    const { harness, id } = deployedHarness();
    expect(outcome(harness, id, { max_workers: 2 })).toBe("ok");
    expect(outcome(harness, id, { max_workers: 3 })).toBe("ok");
  });

  it("answers 500 with a detail before the first build finished", () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest());
    expect(outcome(harness, idOf(harness), { max_workers: 2 })).toBe("INTERNAL_DETAIL: Endpoint infra state not found, try again later.");
    expect(harness.scheduler.calls).toHaveLength(1);
  });

  it("hides missing and foreign endpoints and bundles behind one 404", () => {
    const { harness, id } = deployedHarness();
    const message = "NOT_FOUND: The specified model endpoint or model bundle was not found.";
    expect(outcome(harness, "end_missing", {})).toBe(message);
    expect(outcome(harness, id, { model_bundle_id: "bun_missing" })).toBe(message);
    expect(outcome(harness, id, { model_bundle_id: "bun_other" })).toBe(message);
    expect(() => harness.service.update(other, id, updateRequest())).toThrow("The specified model endpoint or model bundle was not found.");
  });

  it("validates labels, billing tags and hooks before looking the endpoint up", () => {
    const { harness } = deployedHarness();
    expect(outcome(harness, "end_missing", { labels: { extra: "x" } })).toMatch(/^BAD_REQUEST: Missing label 'team'/);
    expect(outcome(harness, "end_missing", { billing_tags: {} })).toMatch(/^500: Missing billing tag keys/);
    // Unlike create, the update route maps a bad hook to 400.
    expect(outcome(harness, "end_missing", { post_inference_hooks: ["x"] })).toBe(
      "BAD_REQUEST: Unsupported post-inference hook x. The supported hooks are: ['billing', 'callback', 'logging']",
    );
  });

  it("validates resources against the merged request and current values", () => {
    const { harness, id } = deployedHarness();
    expect(outcome(harness, id, { gpus: 1 })).toBe("BAD_REQUEST: Must provide gpu_type if gpus > 0");
    expect(outcome(harness, id, { gpu_type: "nvidia-tesla-t4" })).toBe("BAD_REQUEST: Cannot have gpus=0 when gpu_type is not None");
    expect(outcome(harness, id, { gpus: 1, gpu_type: "nvidia-tesla-t4", cpus: 20 })).toBe("ok");
    // The stored gpu_type now allows 20 cpus; dropping GPUs alone leaves the type set.
    expect(outcome(harness, id, { gpus: 0 })).toBe("BAD_REQUEST: Cannot have gpus=0 when gpu_type is not None");
    expect(outcome(harness, id, { memory: "100Gi" })).toBe("ok");
  });

  it("applies worker bounds with the stored endpoint type, then concurrency, then the metadata key", () => {
    const harness = endpointHarness({ allowSyncScaleFromZero: false });
    harness.service.create(me, createRequest({ endpoint_type: "sync", min_workers: 1 }));
    const id = idOf(harness);
    harness.markDeployed(id);
    expect(outcome(harness, id, { min_workers: 0 })).toBe("BAD_REQUEST: Requested min workers 0 too low");
    expect(outcome(harness, id, { max_workers: 251 })).toBe("BAD_REQUEST: Requested max workers 251 too high");
    expect(outcome(harness, id, { concurrent_requests_per_worker: 50 })).toBe("ok");
    expect(outcome(harness, id, { metadata: { _CONVERTED_FROM_ARTIFACT_LIKE: 1 } })).toBe(
      "BAD_REQUEST: _CONVERTED_FROM_ARTIFACT_LIKE is a reserved metadata key and cannot be used by user.",
    );

    const async = deployedHarness();
    expect(outcome(async.harness, async.id, { concurrent_requests_per_worker: 21 })).toBe("BAD_REQUEST: Requested concurrent requests per worker 21 too high");
  });

  it("never works from a stale copy: a scheduler write between calls is kept", () => {
    const { harness, id } = deployedHarness();
    const current = harness.endpoints.get(id);
    if (!current) throw new Error("missing");
    harness.endpoints.update({ ...current, destination: "launch-endpoint-id-changed", statusReason: "why" });
    harness.service.update(me, id, updateRequest({ max_workers: 2 }));
    expect(harness.endpoints.get(id)).toMatchObject({ destination: "launch-endpoint-id-changed", statusReason: "why", status: "UPDATE_PENDING" });
  });
});
