/**
 * GPUs in the process runtime (issue 3 item 4): an endpoint asking for more GPUs than the host has
 * fails with a clear status_reason; with --gpu-policy ignore it runs without them and its creation
 * logs say so. The host's GPUs are declared (`gpus: "0"`: none) so the test never depends on nvidia-smi.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createInstance, type Instance } from "../../src/instance.js";
import { waitFor } from "../helpers/cli-process.js";
import { buildPickle, LaunchHttp } from "../helpers/launch-http.js";

const ECHO = `
def load_model_fn():
    return None
def load_predict_fn(model):
    def predict(**kwargs):
        import os
        return {"cuda": os.environ.get("CUDA_VISIBLE_DEVICES"), **kwargs}
    return predict
`;

let instance: Instance | undefined;

afterEach(async () => {
  await instance?.close();
  instance = undefined;
});

async function gpuEndpoint(gpuPolicy: "strict" | "ignore"): Promise<{ http: LaunchHttp; endpointId: string }> {
  instance = await createInstance({ port: 0, ephemeral: true, runtime: "process", gpus: "0", gpuPolicy, logLevel: "warn" });
  const http = new LaunchHttp(instance.url);
  const bundleId = await http.createCloudpickleBundle("gpu-echo", buildPickle(ECHO));
  const endpointId = await http.createEndpoint("gpu", bundleId, { endpoint_type: "sync", gpus: 1, gpu_type: "nvidia-tesla-t4" });
  return { http, endpointId };
}

describe("GPU inventory and policy", () => {
  it("fails an endpoint that asks for more GPUs than the host has", async () => {
    const { http, endpointId } = await gpuEndpoint("strict");
    const endpoint = await waitFor(
      async () => {
        const item = await http.ok<{ status: string; status_reason: string | null }>("GET", `/v1/model-endpoints/${endpointId}`);
        return item.status === "UPDATE_FAILED" ? item : null;
      },
      30_000,
      "UPDATE_FAILED",
    );
    expect(endpoint.status_reason).toBe("Requested gpus=1 but this host has 0 GPU(s)");
  });

  it("runs it without GPUs under --gpu-policy ignore, and says so in the creation logs", async () => {
    const { http, endpointId } = await gpuEndpoint("ignore");
    await http.waitForWorkers(endpointId, 30_000);
    const answer = await http.ok<{ result: { result: string } }>("POST", `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: { y: 1 } });
    expect(answer.result.result).toBe('{"cuda": "", "y": 1}');
    const logs = await http.ok<{ content: string }>("GET", "/v1/hosted_inference/endpoints/creation_logs/gpu");
    expect(logs.content).toMatch(/without GPUs/i);
  });
});
