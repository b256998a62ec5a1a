import { describe, expect, it } from "vitest";
import { hiddenEndpointRequest } from "../../../src/domain/batch/batch-endpoint.js";
import { type BatchResourceRequests, type CreateBatchJobRequest, batchEndpointName } from "../../../src/domain/batch/batch-job.js";

const noResources: BatchResourceRequests = {
  cpus: null,
  memory: null,
  gpus: null,
  gpu_type: null,
  storage: null,
  max_workers: null,
  per_worker: null,
  concurrent_requests_per_worker: null,
};

const request = (resources: Partial<BatchResourceRequests> = {}): CreateBatchJobRequest => ({
  model_bundle_id: "bun_1",
  input_path: "s3://b/k",
  serialization_format: "JSON",
  labels: { team: "t", product: "p" },
  resource_requests: { ...noResources, ...resources },
  timeout_seconds: 43200,
});

const GPU_HOST = { hostGpus: 4, maxWorkersCap: 1000 };

describe("the temporary endpoint of a batch job (§2.4, live_batch_job_service.py)", () => {
  it("is named <bundle_id>-batch-task-<job_id> with _ → -", () => {
    expect(batchEndpointName("bun_cs1b2", "bat_cs1b3")).toBe("bun-cs1b2-batch-task-bat-cs1b3");
  });

  it("takes the real defaults: 3 cpus, 12Gi, 16Gi, 1 × T4, 50 workers, 40 per worker, 1 request at a time", () => {
    expect(hiddenEndpointRequest("n", "bun_1", request(), GPU_HOST)).toMatchObject({
      name: "n",
      model_bundle_id: "bun_1",
      endpoint_type: "async",
      cpus: 3,
      memory: "12Gi",
      storage: "16Gi",
      gpus: 1,
      gpu_type: "nvidia-tesla-t4",
      min_workers: 0,
      max_workers: 50,
      per_worker: 40,
      concurrent_requests_per_worker: 1,
      labels: { team: "t", product: "p" },
      prewarm: true,
      high_priority: false,
      metadata: {},
    });
  });

  it("uses Python's `or` for most defaults but `is not None` for gpus", () => {
    const zeroes = hiddenEndpointRequest("n", "bun_1", request({ cpus: 0, memory: "", max_workers: 0, per_worker: 0, gpus: 0 }), GPU_HOST);
    expect(zeroes).toMatchObject({ cpus: 3, memory: "12Gi", max_workers: 50, per_worker: 40, gpus: 0, gpu_type: null });
    const given = hiddenEndpointRequest("n", "bun_1", request({ cpus: "500m", gpus: 2, gpu_type: "nvidia-ampere-a10", storage: 5 }), GPU_HOST);
    expect(given).toMatchObject({ cpus: "500m", gpus: 2, gpu_type: "nvidia-ampere-a10", storage: 5 });
  });

  it("caps concurrency at 20 and max_workers at this machine's cap", () => {
    const capped = hiddenEndpointRequest("n", "bun_1", request({ max_workers: 200, concurrent_requests_per_worker: 64 }), { hostGpus: 0, maxWorkersCap: 2 });
    expect(capped).toMatchObject({ max_workers: 2, concurrent_requests_per_worker: 20 });
  });

  it("runs on CPU when gpus is omitted on a host without GPUs, but keeps an explicit request", () => {
    const cpuHost = { hostGpus: 0, maxWorkersCap: 2 };
    expect(hiddenEndpointRequest("n", "bun_1", request(), cpuHost)).toMatchObject({ gpus: 0, gpu_type: null });
    expect(hiddenEndpointRequest("n", "bun_1", request({ gpus: 1 }), cpuHost)).toMatchObject({ gpus: 1, gpu_type: "nvidia-tesla-t4" });
  });
});
