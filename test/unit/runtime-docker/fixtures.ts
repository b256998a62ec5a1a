/** Bundle and launch-spec builders for the Docker runtime's unit tests. */
import type { BundleFlavor, BundleRecord, CloudpickleFlavor, RunnableFlavor } from "../../../src/domain/bundle.js";
import type { WorkerLaunchSpec } from "../../../src/domain/ports.js";

export const cloudpickleFlavor = (): CloudpickleFlavor => ({
  flavor: "cloudpickle_artifact",
  requirements: [],
  framework: { framework_type: "pytorch", pytorch_image_tag: "1.7.0" },
  app_config: { scale: 2 },
  location: "s3://launch-local/model-bundles/u/echo.pkl",
  load_predict_fn: "predict",
  load_model_fn: "model",
});

export const runnableFlavor = (): RunnableFlavor => ({
  flavor: "runnable_image",
  repository: "model-engine",
  tag: "abc",
  command: ["python3", "/app/echo_server.py", "--host", "0.0.0.0", "--port", "5005"],
  predict_route: "/predict",
  healthcheck_route: "/readyz",
  env: null,
  protocol: "http",
  readiness_initial_delay_seconds: 0,
  extra_routes: [],
  routes: [],
  forwarder_type: null,
  worker_command: null,
  worker_env: null,
});

let counter = 0;

export const bundleOf = (flavor: BundleFlavor): BundleRecord => ({
  id: `bun_${++counter}`,
  name: "b",
  owner: "u",
  createdBy: "u",
  createdAt: 0,
  metadata: {},
  schemaLocation: null,
  modelArtifactIds: [],
  flavor,
  legacy: null,
});

export const specOf = (bundle: BundleRecord, overrides: Partial<WorkerLaunchSpec> = {}): WorkerLaunchSpec => ({
  endpointId: "end_1",
  endpointName: "e",
  workerId: `end_1-w${++counter}`,
  bundle,
  artifactPath: null,
  concurrency: 1,
  cpus: 1,
  memory: "1Gi",
  gpus: 0,
  endpointType: "sync",
  ...overrides,
});
