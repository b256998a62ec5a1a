import type { BundleFlavor, BundleRecord } from "../../../src/domain/bundle.js";
import { RUNNABLE_DEFAULTS } from "../../../src/domain/bundles/bundle-flavors.js";
import type { IdGenerator } from "../../../src/domain/ids.js";

export const cloudpickleFlavor = (overrides: Partial<Extract<BundleFlavor, { flavor: "cloudpickle_artifact" }>> = {}): BundleFlavor => ({
  flavor: "cloudpickle_artifact",
  requirements: ["numpy"],
  framework: { framework_type: "pytorch", pytorch_image_tag: "1.13" },
  app_config: null,
  location: "s3://launch-local/model-bundles/me/abc",
  load_predict_fn: "def p(m):\n    return m\n",
  load_model_fn: "def m():\n    return 1\n",
  ...overrides,
});

export const runnableFlavor = (): BundleFlavor => ({
  ...RUNNABLE_DEFAULTS,
  extra_routes: [],
  routes: [],
  flavor: "runnable_image",
  repository: "my-repo",
  tag: "v1",
  command: ["python", "serve.py"],
  protocol: "http",
});

export function bundleRecord(overrides: Partial<BundleRecord> = {}): BundleRecord {
  return {
    id: "bun_1",
    name: "b",
    owner: "me",
    createdBy: "me",
    createdAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
    metadata: {},
    schemaLocation: "s3://launch-local/model-bundles/me/schema",
    modelArtifactIds: [],
    flavor: cloudpickleFlavor(),
    legacy: null,
    ...overrides,
  };
}

/** Predictable ids: bun_000001, … and UUIDs ending in a counter. */
export function sequentialIds(): IdGenerator {
  let counter = 0;
  return {
    xid: (prefix) => `${prefix}${String(++counter).padStart(6, "0")}`,
    uuid: () => `00000000-0000-4000-8000-${(++counter).toString(16).padStart(12, "0")}`,
  };
}
