/**
 * The endpoints under load: one echo bundle (cloudpickled by the local Python, as the official client
 * does), uploaded through the signed-URL flow, behind a sync and an async endpoint with fixed worker
 * counts (min = max), so scaling does not move the figures.
 */
import { execFileSync } from "node:child_process";

const ECHO = `
def load_model_fn():
    return None
def load_predict_fn(model):
    def predict(**kwargs):
        return kwargs
    return predict
import cloudpickle, sys
sys.stdout.buffer.write(cloudpickle.dumps({"load_model_fn": load_model_fn, "load_predict_fn": load_predict_fn}))
`;

const AUTH = `Basic ${Buffer.from("load:").toString("base64")}`;

async function call(url, method, path, body) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: AUTH, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} ${path} → ${response.status} ${text}`);
  return JSON.parse(text);
}

export const authorization = AUTH;

/** Creates both endpoints and waits until every worker is ready; returns their ids. */
export async function prepareEndpoints(url, { workers = 2, slots = 10, python = process.env.LAUNCH_LOCAL_PYTHON ?? "python3" } = {}) {
  const pickle = execFileSync(python, ["-c", ECHO], { maxBuffer: 16 * 1024 * 1024 });
  const slot = await call(url, "POST", "/v1/hosted_inference/model_bundle_upload", {});
  const put = await fetch(slot.signedUrl, { method: "PUT", body: pickle });
  if (!put.ok) throw new Error(`upload failed: ${put.status}`);
  const location = `s3://${slot.bucket}/${slot.key}`;
  const { model_bundle_id: bundleId } = await call(url, "POST", "/v2/model-bundles", {
    name: "load-echo",
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
  const ids = {};
  for (const type of ["sync", "async"]) {
    await call(url, "POST", "/v1/model-endpoints", {
      name: `load-${type}`,
      model_bundle_id: bundleId,
      endpoint_type: type,
      cpus: 1,
      memory: "1Gi",
      storage: "1Gi",
      gpus: 0,
      min_workers: workers,
      max_workers: workers,
      per_worker: slots,
      concurrent_requests_per_worker: slots,
      labels: { team: "load", product: "load" },
      metadata: {},
    });
    const listed = await call(url, "GET", `/v1/model-endpoints?name=load-${type}`);
    ids[type] = listed.model_endpoints[0].id;
  }
  const deadline = Date.now() + 120_000;
  for (const id of Object.values(ids)) {
    for (;;) {
      const endpoint = await call(url, "GET", `/v1/model-endpoints/${id}`);
      if (endpoint.status === "UPDATE_FAILED") throw new Error(`endpoint failed: ${endpoint.status_reason}`);
      if (endpoint.status === "READY" && endpoint.deployment_state?.available_workers === workers) break;
      if (Date.now() > deadline) throw new Error(`endpoint ${id} not ready: ${JSON.stringify(endpoint)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { sync: ids.sync, async: ids.async };
}
