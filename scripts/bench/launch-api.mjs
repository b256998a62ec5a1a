/**
 * The few Launch API calls the bench makes to set itself up (uploads, bundles, endpoints, polling),
 * over one keep-alive agent. Any unexpected status throws: set-up failures end the run as errors.
 */
import { execFileSync } from "node:child_process";
import http from "node:http";
import { sleep } from "./http-load.mjs";

export const USER = "bench";
export const AUTH = `Basic ${Buffer.from(`${USER}:`).toString("base64")}`;

/** The echo model: `predict(**args)` returns its keyword arguments. */
const ECHO_SOURCE = `
def load_model_fn():
    return None

def load_predict_fn(model):
    def predict(**kwargs):
        return kwargs
    return predict
`;

/** Cloudpickles the echo bundle with the interpreter the server will use (cloudpickle versions must agree). */
export function echoPickle(python) {
  const program = `${ECHO_SOURCE}\nimport cloudpickle, sys\nsys.stdout.buffer.write(cloudpickle.dumps({"load_model_fn": load_model_fn, "load_predict_fn": load_predict_fn}))\n`;
  return execFileSync(python, ["-c", program], { maxBuffer: 16 * 1024 * 1024 });
}

export class LaunchApi {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  }

  /** { status, json } of one call; a body is sent as JSON. */
  async call(method, path, body) {
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers = { authorization: AUTH };
    if (payload !== null) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(payload.byteLength);
    }
    const { status, text } = await rawRequest(url, method, headers, payload, this.agent);
    return { status, json: text === "" ? null : JSON.parse(text) };
  }

  async ok(method, path, body) {
    const { status, json } = await this.call(method, path, body);
    if (status !== 200) throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(json)}`);
    return json;
  }

  /** The official client's upload: signed URL slot, unauthenticated PUT; returns the s3:// location. */
  async upload(bytes, route = "model_bundle_upload") {
    const slot = await this.ok("POST", `/v1/hosted_inference/${route}`, {});
    const put = await rawRequest(new URL(slot.signedUrl), "PUT", { "content-length": String(bytes.byteLength) }, bytes, this.agent);
    if (put.status !== 200) throw new Error(`signed PUT answered ${put.status}: ${put.text}`);
    return `s3://${slot.bucket}/${slot.key}`;
  }

  async createEchoBundle(name, pickle) {
    const location = await this.upload(pickle);
    const created = await this.ok("POST", "/v2/model-bundles", {
      name,
      schema_location: location,
      flavor: {
        flavor: "cloudpickle_artifact",
        requirements: [],
        framework: { framework_type: "pytorch", pytorch_image_tag: "1.7.0" },
        load_predict_fn: "",
        load_model_fn: "",
        location,
      },
    });
    return created.model_bundle_id;
  }

  /** Creates an endpoint and returns its id (the create answer only names the build task). */
  async createEndpoint(name, bundleId, fields) {
    await this.ok("POST", "/v1/model-endpoints", {
      name,
      model_bundle_id: bundleId,
      endpoint_type: "sync",
      cpus: 1,
      memory: "1Gi",
      storage: "1Gi",
      gpus: 0,
      min_workers: 1,
      max_workers: 1,
      per_worker: 1,
      labels: { team: "bench", product: "launch-local" },
      metadata: {},
      ...fields,
    });
    const list = await this.ok("GET", `/v1/model-endpoints?name=${encodeURIComponent(name)}`);
    const first = list.model_endpoints[0];
    if (!first) throw new Error(`endpoint ${name} is not listed after its creation`);
    return first.id;
  }

  /** Polls the endpoint until `isDone(endpoint)`; an UPDATE_FAILED endpoint throws with its reason. */
  async waitForEndpoint(endpointId, isDone, timeoutMs, what) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const endpoint = await this.ok("GET", `/v1/model-endpoints/${endpointId}`);
      if (endpoint.status === "UPDATE_FAILED") throw new Error(`endpoint ${endpoint.name} failed: ${endpoint.status_reason ?? "no reason given"}`);
      if (isDone(endpoint)) return endpoint;
      if (performance.now() > deadline) throw new Error(`endpoint ${endpoint.name}: no ${what} after ${timeoutMs} ms (status ${endpoint.status})`);
      await sleep(20);
    }
  }

  waitForWorkers(endpointId, count, timeoutMs) {
    return this.waitForEndpoint(
      endpointId,
      (endpoint) => endpoint.status === "READY" && (endpoint.deployment_state?.available_workers ?? 0) >= count,
      timeoutMs,
      `${count} available worker(s)`,
    );
  }

  close() {
    this.agent.destroy();
  }
}

function rawRequest(url, method, headers, payload, agent) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, agent }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(payload ?? undefined);
  });
}
