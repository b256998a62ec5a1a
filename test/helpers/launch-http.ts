import { execFileSync } from "node:child_process";
import { waitFor } from "./wait-for.js";

/** Small typed HTTP helpers for end-to-end tests that talk to a running launch-local. */
export class LaunchHttp {
  constructor(
    readonly baseUrl: string,
    readonly user = "me",
  ) {}

  private headers(json: boolean): Record<string, string> {
    const auth = `Basic ${Buffer.from(`${this.user}:`).toString("base64")}`;
    return json ? { authorization: auth, "content-type": "application/json" } : { authorization: auth };
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: this.headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text === "" ? null : (JSON.parse(text) as unknown) };
  }

  async ok<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const { status, json } = await this.call(method, path, body);
    if (status !== 200) throw new Error(`${method} ${path} → ${status} ${JSON.stringify(json)}`);
    return json as T;
  }

  /** The official client's upload: signed URL slot, unauthenticated PUT, s3:// location. */
  async upload(bytes: Uint8Array): Promise<string> {
    const slot = await this.ok<{ signedUrl: string; bucket: string; key: string }>("POST", "/v1/hosted_inference/model_bundle_upload", {});
    const put = await fetch(slot.signedUrl, { method: "PUT", body: Buffer.from(bytes) });
    if (!put.ok) throw new Error(`signed PUT failed: ${put.status}`);
    return `s3://${slot.bucket}/${slot.key}`;
  }

  async createCloudpickleBundle(name: string, pickle: Uint8Array, requirements: string[] = [], pytorchImageTag = "1.7.0"): Promise<string> {
    const location = await this.upload(pickle);
    const created = await this.ok<{ model_bundle_id: string }>("POST", "/v2/model-bundles", {
      name,
      schema_location: location,
      flavor: {
        flavor: "cloudpickle_artifact",
        requirements,
        framework: { framework_type: "pytorch", pytorch_image_tag: pytorchImageTag },
        load_predict_fn: "",
        load_model_fn: "",
        location,
      },
    });
    return created.model_bundle_id;
  }

  async createEndpoint(name: string, bundleId: string, fields: Record<string, unknown>): Promise<string> {
    await this.ok("POST", "/v1/model-endpoints", {
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
    const list = await this.ok<{ model_endpoints: { id: string }[] }>("GET", `/v1/model-endpoints?name=${encodeURIComponent(name)}`);
    const first = list.model_endpoints[0];
    if (!first) throw new Error(`endpoint ${name} not listed after create`);
    return first.id;
  }

  /** Waits until the endpoint is READY with a worker available; throws at once if it is UPDATE_FAILED. */
  async waitForWorkers(endpointId: string, timeoutMs: number): Promise<void> {
    type Endpoint = { status: string; status_reason: string | null; deployment_state: { available_workers: number | null } | null };
    let last: Endpoint | null = null;
    await waitFor(
      async () => {
        const endpoint = (last = await this.ok<Endpoint>("GET", `/v1/model-endpoints/${endpointId}`));
        if (endpoint.status === "UPDATE_FAILED") throw new Error(`endpoint failed: ${endpoint.status_reason ?? ""}`);
        return endpoint.status === "READY" && (endpoint.deployment_state?.available_workers ?? 0) > 0;
      },
      timeoutMs,
      () => `endpoint ${endpointId} to have a worker: ${JSON.stringify(last)}`,
    );
  }
}

/**
 * Builds a cloudpickle artifact in a subprocess: `source` defines load_model_fn and load_predict_fn
 * at module level (pickled by value because they live in __main__).
 */
export function buildPickle(source: string): Buffer {
  const program = `${source}\nimport cloudpickle, sys\nsys.stdout.buffer.write(cloudpickle.dumps({"load_model_fn": load_model_fn, "load_predict_fn": load_predict_fn}))\n`;
  return execFileSync("python3", ["-c", program], { maxBuffer: 16 * 1024 * 1024 });
}
