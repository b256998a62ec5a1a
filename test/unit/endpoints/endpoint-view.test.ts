import { describe, expect, it } from "vitest";
import { createRequest, endpointHarness, idOf, me, other } from "./fixtures.js";

const KEY_ORDER = [
  "id",
  "name",
  "endpoint_type",
  "destination",
  "deployment_name",
  "metadata",
  "bundle_name",
  "status",
  "status_reason",
  "post_inference_hooks",
  "default_callback_url",
  "default_callback_auth",
  "labels",
  "aws_role",
  "results_s3_bucket",
  "created_by",
  "created_at",
  "last_updated_at",
  "deployment_state",
  "resource_state",
  "num_queued_items",
  "public_inference",
  "task_expires_seconds",
  "queue_message_timeout_seconds",
];

describe("GetModelEndpointV1Response view (§2.2, §3.4)", () => {
  it("has no infra state before the first build", () => {
    const harness = endpointHarness();
    harness.service.create(
      me,
      createRequest({
        metadata: { k: "v" },
        post_inference_hooks: ["callback"],
        default_callback_url: "http://cb.example/",
        default_callback_auth: { kind: "basic", username: "u", password: "p" },
        task_expires_seconds: 100,
      }),
    );
    const view = harness.service.get(me, idOf(harness));
    expect(Object.keys(view)).toEqual(KEY_ORDER);
    expect(view).toEqual({
      id: "end_00000000000000000001",
      name: "my-endpoint",
      endpoint_type: "async",
      destination: "UNKNOWN",
      deployment_name: null,
      metadata: { k: "v" },
      bundle_name: "my-bundle",
      status: "UPDATE_PENDING",
      status_reason: null,
      post_inference_hooks: [],
      default_callback_url: null,
      default_callback_auth: null,
      labels: null,
      aws_role: null,
      results_s3_bucket: null,
      created_by: "me",
      created_at: "2026-01-02T03:04:05.678000Z",
      last_updated_at: "2026-01-02T03:04:05.678000Z",
      deployment_state: null,
      resource_state: null,
      num_queued_items: null,
      public_inference: false,
      task_expires_seconds: 100,
      queue_message_timeout_seconds: null,
    });
  });

  it("shows deployment and resource state, live worker counts and queue depth once deployed", () => {
    const harness = endpointHarness();
    harness.service.create(
      me,
      createRequest({ cpus: "0.5", memory: 1073741824, storage: "2Gi", post_inference_hooks: ["callback"], forwarder_max_concurrency: 5 }),
    );
    const id = idOf(harness);
    harness.markDeployed(id);
    harness.scheduler.counts.set(id, { available: 2, unavailable: 1 });
    harness.scheduler.depths.set(id, 7);
    const view = harness.service.get(me, id);
    expect(Object.keys(view)).toEqual(KEY_ORDER);
    expect(view).toMatchObject({
      status: "READY",
      destination: `launch-endpoint-id-${id}`,
      deployment_name: "launch-endpoint-id-end-00000000000000000001",
      post_inference_hooks: ["callback"],
      labels: { team: "infra", product: "launch" },
      aws_role: "launch-local",
      results_s3_bucket: "launch-local",
      deployment_state: {
        min_workers: 0,
        max_workers: 1,
        per_worker: 10,
        concurrent_requests_per_worker: 10,
        forwarder_max_concurrency: 5,
        available_workers: 2,
        unavailable_workers: 1,
      },
      // Echoes what was sent: strings stay strings, numbers stay numbers (§9 item 10).
      resource_state: { cpus: "0.5", gpus: 0, memory: 1073741824, gpu_type: null, storage: "2Gi", nodes_per_worker: 1, optimize_costs: false },
      num_queued_items: 7,
    });
    expect(Object.keys(view.deployment_state ?? {})).toEqual([
      "min_workers",
      "max_workers",
      "per_worker",
      "concurrent_requests_per_worker",
      "forwarder_max_concurrency",
      "available_workers",
      "unavailable_workers",
    ]);
  });

  it("reports 0/0 workers when the scheduler has no deployment, and no queue for sync endpoints", () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest({ endpoint_type: "sync", min_workers: 1, post_inference_hooks: null }));
    const id = idOf(harness);
    harness.markDeployed(id);
    harness.scheduler.depths.set(id, 3);
    const view = harness.service.get(me, id);
    expect(view.deployment_state).toMatchObject({ available_workers: 0, unavailable_workers: 0 });
    expect(view.num_queued_items).toBeNull();
    expect(view.post_inference_hooks).toBeNull();
  });

  it("hides other teams' endpoints behind the two-space 404", () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest());
    const id = idOf(harness);
    expect(() => harness.service.get(other, id)).toThrow(`Model Endpoint ${id}  was not found.`);
    expect(() => harness.service.get(me, "end_nope")).toThrow("Model Endpoint end_nope  was not found.");
  });
});

describe("EndpointService.list", () => {
  it("lists the caller's endpoints, filtered by exact name, in insertion order unless ordered", async () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest({ name: "b" }));
    await harness.clock.advance(1000);
    harness.service.create(me, createRequest({ name: "a" }));
    await harness.clock.advance(1000);
    harness.service.create(me, createRequest({ name: "ab" }));
    const names = (orderBy: "newest" | "oldest" | "alphabetical" | null, name: string | null = null) =>
      harness.service.list(me, name, orderBy).model_endpoints.map((e) => e.name);
    expect(names(null)).toEqual(["b", "a", "ab"]);
    expect(names("newest")).toEqual(["ab", "a", "b"]);
    expect(names("oldest")).toEqual(["b", "a", "ab"]);
    // Accepted but not applied (§2.2).
    expect(names("alphabetical")).toEqual(["b", "a", "ab"]);
    expect(names(null, "a")).toEqual(["a"]);
    expect(names(null, "zzz")).toEqual([]);
    expect(harness.service.list(other, null, null)).toEqual({ model_endpoints: [] });
  });

  it("finds the caller's endpoint by name for the legacy creation-logs route", () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest());
    expect(harness.service.findOwnedByName(me, "my-endpoint")?.id).toBe(idOf(harness));
    expect(harness.service.findOwnedByName(other, "my-endpoint")).toBeNull();
  });
});
