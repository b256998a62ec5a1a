import { describe, expect, it } from "vitest";
import { createRequest, endpointHarness, idOf, me, other } from "./fixtures.js";

describe("EndpointService.delete (§2.2 DELETE)", () => {
  it("undeploys, removes the row and clears the logs, in any status", async () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest());
    const id = idOf(harness);
    harness.logs.append(id, "build", "built");
    await expect(harness.service.delete(me, id)).resolves.toEqual({ deleted: true });
    expect(harness.scheduler.calls).toEqual([`deploy ${id}`, `undeploy ${id}`]);
    expect(harness.endpoints.get(id)).toBeNull();
    expect(harness.logs.read(id, "build")).toEqual([]);
  });

  it("404s with two spaces for a missing or foreign endpoint", async () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest());
    const id = idOf(harness);
    await expect(harness.service.delete(other, id)).rejects.toThrow(`Model Endpoint ${id}  was not found.`);
    await expect(harness.service.delete(me, "end_x")).rejects.toThrow("Model Endpoint end_x  was not found.");
    expect(harness.endpoints.get(id)).not.toBeNull();
  });

  it("marks the endpoint UPDATE_FAILED and answers 500 when the infrastructure cannot be removed", async () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest());
    const id = idOf(harness);
    harness.scheduler.failUndeploy = true;
    await expect(harness.service.delete(me, id)).rejects.toMatchObject({
      code: "INTERNAL_DETAIL",
      message: "deletion of endpoint failed, compute resources still exist.",
    });
    expect(harness.endpoints.get(id)).toMatchObject({ status: "UPDATE_FAILED", statusReason: "Failed to delete the endpoint's infrastructure." });
  });
});

describe("EndpointService.restart (§2.2 restart)", () => {
  it("restarts a deployed endpoint", async () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest());
    const id = idOf(harness);
    harness.markDeployed(id);
    await expect(harness.service.restart(me, id)).resolves.toEqual({ restarted: true });
    expect(harness.scheduler.calls).toContain(`restart ${id}`);
  });

  it("404s with one space, and 500s with a detail before the first build", async () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest());
    const id = idOf(harness);
    await expect(harness.service.restart(other, id)).rejects.toThrow(`Model Endpoint ${id} was not found.`);
    await expect(harness.service.restart(me, id)).rejects.toMatchObject({
      code: "INTERNAL_DETAIL",
      message: "Endpoint infra state not found, try again later.",
    });
    expect(harness.scheduler.calls).not.toContain(`restart ${id}`);
  });

  it("refuses multinode endpoints", async () => {
    const harness = endpointHarness();
    harness.service.create(me, createRequest());
    const id = idOf(harness);
    const record = harness.markDeployed(id);
    harness.endpoints.update({ ...record, resources: { ...record.resources, nodesPerWorker: 2 } });
    await expect(harness.service.restart(me, id)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: `Restarting model endpoint ${id} is not supported`,
    });
  });
});
