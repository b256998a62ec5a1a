import { describe, expect, it } from "vitest";
import { flavorFromV1, liraStubFlavor } from "../../../src/domain/bundles/bundle-flavors.js";
import type { CreateBundleV1Input } from "../../../src/domain/bundles/bundle-inputs.js";
import { bundleV1View, bundleV2View } from "../../../src/domain/bundles/bundle-views.js";
import { bundleRecord, cloudpickleFlavor, runnableFlavor } from "./fixtures.js";

const v1Input = (overrides: Partial<CreateBundleV1Input> = {}): CreateBundleV1Input => ({
  name: "b",
  location: "s3://launch-local/k",
  requirements: ["numpy"],
  env_params: { framework_type: "pytorch", pytorch_image_tag: "1.13", tensorflow_version: null, ecr_repo: null, image_tag: null },
  packaging_type: "cloudpickle",
  metadata: { load_predict_fn: "def p(): ...", load_model_fn: "def m(): ..." },
  app_config: { a: 1 },
  schema_location: null,
  ...overrides,
});

describe("bundle views (§2.1)", () => {
  it("v2 view lists every field in the response model's order; cloudpickle always has app_config", () => {
    const view = bundleV2View(bundleRecord());
    expect(Object.keys(view)).toEqual(["id", "name", "metadata", "created_at", "model_artifact_ids", "schema_location", "flavor"]);
    expect(view.created_at).toBe("2026-01-02T03:04:05.678000Z");
    expect(Object.keys(view.flavor)).toEqual(["requirements", "framework", "app_config", "location", "flavor", "load_predict_fn", "load_model_fn"]);
    expect(view.flavor).toHaveProperty("app_config", null);
  });

  it("v1 view of a v2 cloudpickle bundle echoes the flavor as legacy fields, env_params with all five keys", () => {
    const view = bundleV1View(bundleRecord({ flavor: cloudpickleFlavor({ app_config: { k: "v" } }) }));
    expect(Object.keys(view)).toEqual([
      "id",
      "name",
      "location",
      "requirements",
      "env_params",
      "packaging_type",
      "metadata",
      "app_config",
      "created_at",
      "model_artifact_ids",
      "schema_location",
    ]);
    expect(view).toMatchObject({
      location: "s3://launch-local/model-bundles/me/abc",
      requirements: ["numpy"],
      packaging_type: "cloudpickle",
      app_config: { k: "v" },
      env_params: { framework_type: "pytorch", pytorch_image_tag: "1.13", tensorflow_version: null, ecr_repo: null, image_tag: null },
    });
  });

  it("renames image_repository to ecr_repo for a custom framework", () => {
    const flavor = cloudpickleFlavor({ framework: { framework_type: "custom_base_image", image_repository: "repo", image_tag: "t" } });
    expect(bundleV1View(bundleRecord({ flavor })).env_params).toEqual({
      framework_type: "custom_base_image",
      pytorch_image_tag: null,
      tensorflow_version: null,
      ecr_repo: "repo",
      image_tag: "t",
    });
  });

  it("v1 view of a v2 runnable bundle: location unused, no requirements, lira, custom env pointing at the image", () => {
    const view = bundleV1View(bundleRecord({ flavor: runnableFlavor() }));
    expect(view).toMatchObject({
      location: "unused",
      requirements: [],
      packaging_type: "lira",
      app_config: null,
      env_params: { framework_type: "custom_base_image", ecr_repo: "my-repo", image_tag: "v1", pytorch_image_tag: null, tensorflow_version: null },
    });
  });

  it("runnable flavors show every default, in declaration order", () => {
    const view = bundleV2View(bundleRecord({ flavor: runnableFlavor() }));
    expect(view.flavor).toEqual({
      repository: "my-repo",
      tag: "v1",
      command: ["python", "serve.py"],
      predict_route: "/predict",
      healthcheck_route: "/readyz",
      env: null,
      protocol: "http",
      readiness_initial_delay_seconds: 120,
      extra_routes: [],
      routes: [],
      forwarder_type: "default",
      worker_command: null,
      worker_env: null,
      flavor: "runnable_image",
    });
    expect(Object.keys(view.flavor).slice(0, 3)).toEqual(["repository", "tag", "command"]);
  });

  it("a v1 record shows its recorded legacy fields", () => {
    const legacy = {
      location: "s3://x/y",
      requirements: ["a"],
      env_params: { framework_type: "tensorflow", tensorflow_version: "2.3" },
      packaging_type: "zip" as const,
      app_config: { z: 1 },
    };
    expect(bundleV1View(bundleRecord({ legacy }))).toMatchObject({
      location: "s3://x/y",
      packaging_type: "zip",
      app_config: { z: 1 },
      env_params: { framework_type: "tensorflow", pytorch_image_tag: null, tensorflow_version: "2.3", ecr_repo: null, image_tag: null },
    });
  });
});

describe("flavor implied by a v1 create (§2.1)", () => {
  it("cloudpickle takes its load functions from metadata", () => {
    expect(flavorFromV1(v1Input())).toEqual({
      requirements: ["numpy"],
      framework: { framework_type: "pytorch", pytorch_image_tag: "1.13" },
      app_config: { a: 1 },
      location: "s3://launch-local/k",
      flavor: "cloudpickle_artifact",
      load_predict_fn: "def p(): ...",
      load_model_fn: "def m(): ...",
    });
  });

  it("missing load functions default to empty strings", () => {
    expect(flavorFromV1(v1Input({ metadata: null }))).toMatchObject({ load_predict_fn: "", load_model_fn: "" });
  });

  it("zip takes module paths from metadata; custom env becomes a custom framework", () => {
    const flavor = flavorFromV1(
      v1Input({
        packaging_type: "zip",
        env_params: { framework_type: "custom_base_image", pytorch_image_tag: null, tensorflow_version: null, ecr_repo: "r", image_tag: "t" },
        metadata: { load_predict_fn_module_path: "m.p", load_model_fn_module_path: "m.m" },
      }),
    );
    expect(flavor).toMatchObject({
      flavor: "zip_artifact",
      framework: { framework_type: "custom_base_image", image_repository: "r", image_tag: "t" },
      load_predict_fn_module_path: "m.p",
      load_model_fn_module_path: "m.m",
    });
  });

  it("lira stores the runnable stub", () => {
    expect(flavorFromV1(v1Input({ packaging_type: "lira" }))).toEqual(liraStubFlavor());
    expect(liraStubFlavor()).toMatchObject({ repository: "", tag: "", command: [], protocol: "http", readiness_initial_delay_seconds: 30 });
  });
});
