import { describe, expect, it } from "vitest";
import type { CreateEndpointRequest } from "../../../src/domain/endpoints/endpoint-requests.js";
import { UnmappedEndpointError } from "../../../src/domain/endpoints/endpoint-rules.js";
import { isLaunchError } from "../../../src/domain/errors.js";
import { createRequest, endpointHarness, makeBundle, me, streamingFlavor } from "./fixtures.js";

/** "<code>: <message>" for a LaunchError, "500: <message>" for an error the real route leaves unmapped. */
function outcome(overrides: Partial<CreateEndpointRequest>, harness = endpointHarness()): string {
  try {
    harness.service.create(me, createRequest(overrides));
    return "ok";
  } catch (error) {
    if (isLaunchError(error)) return `${error.code}: ${error.message}`;
    if (error instanceof UnmappedEndpointError) return `500: ${error.message}`;
    throw error;
  }
}

describe("EndpointService.create — rules and messages (§2.2)", () => {
  it("creates an UPDATE_PENDING record with destination UNKNOWN and asks the scheduler to deploy", () => {
    const harness = endpointHarness();
    const answer = harness.service.create(me, createRequest({ per_worker: 30 }));
    expect(answer).toEqual({ endpoint_creation_task_id: "00000000-0000-4000-8000-000000000001" });
    const record = harness.endpoints.findByName("me", "my-endpoint");
    expect(record).toMatchObject({
      id: "end_00000000000000000001",
      owner: "me",
      createdBy: "me",
      status: "UPDATE_PENDING",
      destination: "UNKNOWN",
      hasInfraState: false,
      statusReason: null,
      bundleId: "bun_1",
      prewarm: true,
      highPriority: false,
      resources: { cpus: 1, memory: "1Gi", storage: "2Gi", gpus: 0, gpuType: null, nodesPerWorker: 1, optimizeCosts: false },
      // concurrent_requests_per_worker defaults to min(per_worker, 20).
      scaling: { minWorkers: 0, maxWorkers: 1, perWorker: 30, concurrentRequestsPerWorker: 20, forwarderMaxConcurrency: null },
    });
    expect(harness.scheduler.calls).toEqual(["deploy end_00000000000000000001"]);
  });

  it("keeps an explicit concurrent_requests_per_worker and a small per_worker as the default", () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest({ name: "a", per_worker: 3 }));
    harness.service.create(me, createRequest({ name: "b", endpoint_type: "sync", min_workers: 1, concurrent_requests_per_worker: 50 }));
    expect(harness.endpoints.findByName("me", "a")?.scaling.concurrentRequestsPerWorker).toBe(3);
    expect(harness.endpoints.findByName("me", "b")?.scaling.concurrentRequestsPerWorker).toBe(50);
  });

  it("applies the min/max worker bounds", () => {
    expect(outcome({ max_workers: 251 })).toBe("BAD_REQUEST: Requested max workers 251 too high");
    expect(outcome({ max_workers: 250 })).toBe("ok");
    // min > max is not checked by the real server.
    expect(outcome({ min_workers: 5, max_workers: 2 })).toBe("ok");
    expect(outcome({ endpoint_type: "sync", min_workers: 0 })).toBe("ok");
    const withoutScaleFromZero = endpointHarness({ allowSyncScaleFromZero: false });
    expect(outcome({ endpoint_type: "sync", min_workers: 0 }, withoutScaleFromZero)).toBe("BAD_REQUEST: Requested min workers 0 too low");
    expect(outcome({ endpoint_type: "async", min_workers: 0 }, withoutScaleFromZero)).toBe("ok");
  });

  it("caps async concurrency at 20 but not sync", () => {
    expect(outcome({ concurrent_requests_per_worker: 21 })).toBe("BAD_REQUEST: Requested concurrent requests per worker 21 too high");
    expect(outcome({ endpoint_type: "sync", concurrent_requests_per_worker: 21 })).toBe("ok");
  });

  it("validates labels", () => {
    expect(outcome({ labels: { product: "p" } })).toBe("BAD_REQUEST: Missing label 'team' in labels. These are all required: {'team', 'product'}");
    expect(outcome({ labels: { team: "t" } })).toBe("BAD_REQUEST: Missing label 'product' in labels. These are all required: {'team', 'product'}");
    expect(outcome({ labels: { team: "t", product: "p", user_id: "u" } })).toBe("BAD_REQUEST: Cannot specify 'user_id' in labels");
    expect(outcome({ labels: { team: "t", product: "p", endpoint_name: "e" } })).toBe("BAD_REQUEST: Cannot specify 'endpoint_name' in labels");
    expect(outcome({ labels: { team: "_INVALID_TEAM", product: "p" } })).toBe("BAD_REQUEST: Invalid team");
    expect(outcome({ labels: { team: "t", product: "has space" } })).toBe(
      "BAD_REQUEST: Invalid label value has space, must match regex (([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?",
    );
    expect(outcome({ labels: { team: "t", product: "p", extra: "" } })).toBe("ok");
  });

  it("answers the generic 500 for bad billing tags and hooks, as the real create route", () => {
    expect(outcome({ billing_tags: { product: "x" } })).toMatch(/^500: Missing billing tag keys/);
    const tags = { idempotencyKeyPrefix: "a", product: "b", type: "c", subType: "d", payee: "e", payor: "f", reference: { id: 1 } };
    expect(outcome({ billing_tags: tags })).toBe("ok");
    expect(outcome({ billing_tags: { ...tags, payee: 3 } })).toBe("500: Billing tags must have string keys and string/dict values");
    expect(outcome({ post_inference_hooks: ["callback", "slack"] })).toBe(
      "500: Unsupported post-inference hook slack. The supported hooks are: ['billing', 'callback', 'logging']",
    );
    expect(outcome({ post_inference_hooks: ["billing", "callback", "logging"] })).toBe("ok");
  });

  it("hides missing and foreign bundles behind one 404", () => {
    expect(outcome({ model_bundle_id: "bun_missing" })).toBe("NOT_FOUND: The specified model bundle could not be found.");
    expect(outcome({ model_bundle_id: "bun_other" })).toBe("NOT_FOUND: The specified model bundle could not be found.");
  });

  it("checks multinode compatibility of the bundle before its ownership", () => {
    expect(outcome({ model_bundle_id: "bun_other", nodes_per_worker: 2 })).toBe(
      "BAD_REQUEST: Bundle their-bundle is not multinode compatible. It must be a RunnableImage and have worker_command and worker_args set.",
    );
    const harness = endpointHarness();
    const flavor = { ...streamingFlavor(), worker_command: ["w"], worker_env: { A: "1" } };
    harness.bundles.insert(makeBundle({ id: "bun_multi", flavor }));
    expect(outcome({ model_bundle_id: "bun_multi", nodes_per_worker: 2 }, harness)).toBe(
      "BAD_REQUEST: Endpoint is not multinode compatible. Only streaming GPU endpoints can be multinode compatible.",
    );
    expect(
      outcome(
        { model_bundle_id: "bun_multi", nodes_per_worker: 2, endpoint_type: "streaming", per_worker: 1, gpus: 1, gpu_type: "nvidia-ampere-a10" },
        harness,
      ),
    ).toBe("ok");
  });

  it("applies the streaming rules", () => {
    const harness = endpointHarness();
    harness.bundles.insert(makeBundle({ id: "bun_stream", flavor: streamingFlavor() }));
    harness.bundles.insert(makeBundle({ id: "bun_stream_only", flavor: streamingFlavor([]) }));
    expect(outcome({ endpoint_type: "streaming", per_worker: 1 }, harness)).toBe(
      "BAD_REQUEST: Cannot create a streaming endpoint for a non-streaming model bundle.",
    );
    expect(outcome({ model_bundle_id: "bun_stream", endpoint_type: "streaming", per_worker: 2 }, harness)).toBe(
      "BAD_REQUEST: Cannot create a streaming endpoint with per_worker != 1.",
    );
    expect(outcome({ model_bundle_id: "bun_stream_only", endpoint_type: "sync", min_workers: 1 }, harness)).toBe(
      "BAD_REQUEST: Cannot create a non-streaming endpoint with no bundle command.",
    );
    expect(outcome({ model_bundle_id: "bun_stream", endpoint_type: "sync", name: "s1" }, harness)).toBe("ok");
    expect(outcome({ model_bundle_id: "bun_stream", endpoint_type: "streaming", per_worker: 1, name: "s2" }, harness)).toBe("ok");
  });

  it("rejects the reserved metadata key", () => {
    expect(outcome({ metadata: { _CONVERTED_FROM_ARTIFACT_LIKE: true } })).toBe(
      "BAD_REQUEST: _CONVERTED_FROM_ARTIFACT_LIKE is a reserved metadata key and cannot be used by user.",
    );
  });

  it("validates resources after the bundle checks", () => {
    expect(outcome({ cpus: 100 })).toBe("BAD_REQUEST: Requested cpus=101 too high. The maximum for gpu_type=None is 6");
    expect(outcome({ cpus: 100, model_bundle_id: "bun_missing" })).toBe("NOT_FOUND: The specified model bundle could not be found.");
  });

  it("checks a duplicate name last, per owner", () => {
    const harness = endpointHarness();
    expect(outcome({}, harness)).toBe("ok");
    expect(outcome({}, harness)).toBe("BAD_REQUEST: The specified model endpoint already exists.");
    expect(outcome({ cpus: 100 }, harness)).toBe("BAD_REQUEST: Requested cpus=101 too high. The maximum for gpu_type=None is 6");
    harness.bundles.insert(makeBundle({ id: "bun_theirs2", owner: "other" }));
    harness.service.create({ userId: "other", teamId: "other" }, createRequest({ model_bundle_id: "bun_theirs2" }));
    expect(harness.endpoints.list("other", "my-endpoint", null)).toHaveLength(1);
  });

  it("runs the checks in the real order: workers, concurrency, labels, billing, hooks, bundle", () => {
    const everythingWrong: Partial<CreateEndpointRequest> = {
      max_workers: 300,
      concurrent_requests_per_worker: 30,
      labels: {},
      billing_tags: {},
      post_inference_hooks: ["nope"],
      model_bundle_id: "bun_missing",
    };
    expect(outcome(everythingWrong)).toBe("BAD_REQUEST: Requested max workers 300 too high");
    expect(outcome({ ...everythingWrong, max_workers: 1 })).toBe("BAD_REQUEST: Requested concurrent requests per worker 30 too high");
    expect(outcome({ ...everythingWrong, max_workers: 1, concurrent_requests_per_worker: 1 })).toMatch(/^BAD_REQUEST: Missing label 'team'/);
    const fixed = { max_workers: 1, concurrent_requests_per_worker: 1, labels: { team: "t", product: "p" } };
    expect(outcome({ ...everythingWrong, ...fixed })).toMatch(/^500: Missing billing tag keys/);
    expect(outcome({ ...everythingWrong, ...fixed, billing_tags: null })).toMatch(/^500: Unsupported post-inference hook nope/);
    expect(outcome({ ...everythingWrong, ...fixed, billing_tags: null, post_inference_hooks: null })).toBe(
      "NOT_FOUND: The specified model bundle could not be found.",
    );
  });
});
