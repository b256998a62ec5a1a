/**
 * The world the property tests run in: two users, each with *protected* objects (never named in their
 * own generated requests, so only the other user's requests reach them and any change is a leak) and
 * *scratch* objects (their own generated requests may change or delete them). Workers are the fake
 * runtime's, so requests are fast.
 */
import type { GetModelEndpointV1Response } from "../../src/domain/endpoints/endpoint-view.js";
import { userFromName } from "../../src/domain/identity.js";
import type { TestApp } from "../helpers/test-app.js";
import { type Client, appClient, createArtifactBundle, createEndpoint, createStreamingBundle, field, readyWorkers } from "./control-fixture.js";

export const USERS = ["alice", "bob"] as const;
export type UserName = (typeof USERS)[number];

export const otherUser = (user: UserName): UserName => (user === "alice" ? "bob" : "alice");

export interface UserObjects {
  protectedBundles: string[];
  /** Sync/async/streaming, private and public. */
  protectedEndpoints: string[];
  /** The protected endpoints with public_inference. */
  publicEndpoints: string[];
  /** Private endpoints whose workers must never change. */
  privateEndpoints: string[];
  protectedNames: string[];
  scratchBundles: string[];
  scratchEndpoints: string[];
  /** Finished async tasks (GET /v1/async-tasks/{id} has no ownership check, §0.4). */
  tasks: string[];
}

export interface World {
  app: TestApp;
  clients: Record<UserName, Client>;
  objects: Record<UserName, UserObjects>;
  /** Every id of a bundle or endpoint, with its owner. */
  owners: Map<string, UserName>;
}

async function protectedEndpoint(client: Client, objects: UserObjects, name: string, bundleId: string, fields: Record<string, unknown>): Promise<void> {
  const id = await createEndpoint(client, name, bundleId, fields);
  objects.protectedEndpoints.push(id);
  objects.protectedNames.push(name);
  if (fields["public_inference"] === true) objects.publicEndpoints.push(id);
  else objects.privateEndpoints.push(id);
}

async function populate(client: Client, user: UserName): Promise<UserObjects> {
  const objects: UserObjects = {
    protectedBundles: [],
    protectedEndpoints: [],
    publicEndpoints: [],
    privateEndpoints: [],
    protectedNames: [],
    scratchBundles: [],
    scratchEndpoints: [],
    tasks: [],
  };
  const artifact = await createArtifactBundle(client, `prot-${user}-artifact`);
  const streaming = await createStreamingBundle(client, `prot-${user}-streaming`);
  objects.protectedBundles.push(artifact, streaming);
  objects.protectedNames.push(`prot-${user}-artifact`, `prot-${user}-streaming`);
  await protectedEndpoint(client, objects, `prot-${user}-async`, artifact, { endpoint_type: "async" });
  await protectedEndpoint(client, objects, `prot-${user}-sync`, artifact, { endpoint_type: "sync" });
  await protectedEndpoint(client, objects, `prot-${user}-pub-async`, artifact, { endpoint_type: "async", public_inference: true });
  await protectedEndpoint(client, objects, `prot-${user}-pub-sync`, artifact, { endpoint_type: "sync", public_inference: true });
  await protectedEndpoint(client, objects, `prot-${user}-stream`, streaming, { endpoint_type: "streaming", public_inference: true });

  const scratch = await createArtifactBundle(client, `scratch-${user}`);
  objects.scratchBundles.push(scratch);
  objects.scratchEndpoints.push(await createEndpoint(client, `scratch-${user}-async`, scratch, { endpoint_type: "async" }));
  objects.scratchEndpoints.push(await createEndpoint(client, `scratch-${user}-sync`, scratch, { endpoint_type: "sync" }));
  for (const id of [...objects.protectedEndpoints, ...objects.scratchEndpoints]) await readyWorkers(client, id);
  const task = await client.ok("POST", `/v1/async-tasks?model_endpoint_id=${objects.scratchEndpoints[0] ?? ""}`, { args: { secret: user } });
  objects.tasks.push(String(field(task, "task_id")));
  return objects;
}

export async function createWorld(app: TestApp): Promise<World> {
  const clients = { alice: appClient(app, "alice"), bob: appClient(app, "bob") };
  const objects = { alice: await populate(clients.alice, "alice"), bob: await populate(clients.bob, "bob") };
  const owners = new Map<string, UserName>();
  for (const user of USERS) {
    const mine = objects[user];
    for (const id of [...mine.protectedBundles, ...mine.protectedEndpoints, ...mine.scratchBundles, ...mine.scratchEndpoints]) owners.set(id, user);
  }
  return { app, clients, objects, owners };
}

/** Fields that other users may legitimately move: worker counts and queue depth (public inference). */
function stable(view: GetModelEndpointV1Response): unknown {
  const { num_queued_items: _queued, deployment_state: deployment, ...rest } = view;
  return { ...rest, deployment_state: deployment === null ? null : { ...deployment, available_workers: null, unavailable_workers: null } };
}

/**
 * What the owner sees of their protected objects, read through the services (no HTTP): views, fault
 * rules, and the worker ids of private endpoints (public ones run others' tasks, which may crash them).
 */
export function snapshot(world: World, user: UserName): unknown {
  const services = world.app.instance.services;
  const owner = userFromName(user);
  const mine = world.objects[user];
  return {
    bundles: mine.protectedBundles.map((id) => services.bundles.get(owner, id)),
    endpoints: mine.protectedEndpoints.map((id) => stable(services.endpoints.get(owner, id))),
    faults: mine.protectedEndpoints.map((id) => services.control.listFaults(owner, id)),
    workers: mine.privateEndpoints.map((id) => services.control.workers(owner, id).workers.map((worker) => worker.id)),
  };
}
