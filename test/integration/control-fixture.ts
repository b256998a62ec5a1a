/**
 * Helpers for the control API tests: a small JSON client for one user, and endpoints over the fake
 * runtime whose bundle artifact is seeded through the control API's own blob route.
 */
import { expect } from "vitest";
import type { TestApp } from "../helpers/test-app.js";
import { waitFor } from "../helpers/wait-for.js";

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The body as JSON; undefined when it is not JSON. */
  json: unknown;
}

/** Reads a JSON object field without casting the whole body. */
export function field(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    const next: unknown = Reflect.get(current, key);
    current = next;
  }
  return current;
}

/** The value as a list (empty when it is not one). */
export const items = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export class Client {
  constructor(
    readonly baseUrl: string,
    readonly user = "me",
  ) {}

  get authorization(): string {
    return `Basic ${Buffer.from(`${this.user}:`).toString("base64")}`;
  }

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const isRaw = body instanceof Uint8Array;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: this.authorization,
        ...(body !== undefined && !isRaw ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      // A copy typed over a plain ArrayBuffer, which is what fetch's BodyInit accepts.
      body: body === undefined ? undefined : isRaw ? new Uint8Array(body) : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  /** Asserts a 200 and returns the JSON body. */
  async ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const reply = await this.call(method, path, body);
    expect(reply.status, `${method} ${path} → ${reply.text}`).toBe(200);
    return reply.json;
  }
}

/** The body of POST /v2/model-bundles for a cloudpickle bundle at `location` (no requirements). */
export const cloudpickleBundleBody = (name: string, location: string, schemaLocation = location) => ({
  name,
  schema_location: schemaLocation,
  flavor: {
    flavor: "cloudpickle_artifact",
    requirements: [],
    framework: { framework_type: "pytorch", pytorch_image_tag: "1.7.0" },
    load_predict_fn: "",
    load_model_fn: "",
    location,
  },
});

/** Seeds the artifact through PUT /_launch_local/blobs and creates a v2 cloudpickle bundle over it. */
export async function createArtifactBundle(client: Client, name: string): Promise<string> {
  const location = `s3://seeded/${client.user}/${name}.pkl`;
  await client.ok("PUT", `/_launch_local/blobs?location=${encodeURIComponent(location)}`, new Uint8Array([1, 2, 3]));
  const created = await client.ok("POST", "/v2/model-bundles", cloudpickleBundleBody(name, location));
  return String(field(created, "model_bundle_id"));
}

/** A streaming runnable bundle (the fake runtime runs no command). */
export async function createStreamingBundle(client: Client, name: string): Promise<string> {
  const created = await client.ok("POST", "/v2/model-bundles", {
    name,
    schema_location: "s3://seeded/schema.json",
    flavor: {
      flavor: "streaming_enhanced_runnable_image",
      repository: "echo",
      tag: "latest",
      command: ["python", "echo.py"],
      streaming_command: ["python", "echo.py"],
      protocol: "http",
    },
  });
  return String(field(created, "model_bundle_id"));
}

export async function createEndpoint(client: Client, name: string, bundleId: string, fields: Record<string, unknown> = {}): Promise<string> {
  await client.ok("POST", "/v1/model-endpoints", {
    name,
    model_bundle_id: bundleId,
    endpoint_type: "async",
    cpus: 1,
    memory: "1Gi",
    storage: "1Gi",
    gpus: 0,
    min_workers: 1,
    max_workers: 1,
    per_worker: 1,
    labels: { team: "infra", product: "launch" },
    metadata: {},
    ...fields,
  });
  const list = await client.ok("GET", `/v1/model-endpoints?name=${encodeURIComponent(name)}`);
  return String(field(list, "model_endpoints", 0, "id"));
}

/** Polls until `check` returns a value; fails after `timeoutMs`. */
export const eventually = <T>(check: () => Promise<T | null | undefined>, what: string, timeoutMs = 10_000): Promise<T> => waitFor(check, timeoutMs, what);

/** Waits until the endpoint is READY with `count` ready workers. */
export async function readyWorkers(client: Client, endpointId: string, count = 1): Promise<{ id: string; pid: unknown }[]> {
  return eventually(async () => {
    const reply = await client.call("GET", `/_launch_local/endpoints/${endpointId}/workers`);
    const workers = field(reply.json, "workers");
    if (!Array.isArray(workers)) return null;
    const ready = workers.filter((worker) => field(worker, "state") === "ready");
    return ready.length === count ? ready.map((worker) => ({ id: String(field(worker, "id")), pid: field(worker, "pid") })) : null;
  }, `${count} ready worker(s) of ${endpointId}`);
}

export const appClient = (app: TestApp, user = "me"): Client => new Client(app.url, user);
