import { describe, expect, it } from "vitest";
import { isLaunchError } from "../../../src/domain/errors.js";
import { createBundleV1Schema, createBundleV2Schema } from "../../../src/http/schemas/model-bundles.js";
import { parseBody } from "../../../src/http/validation/parse.js";
import type { Schema } from "../../../src/http/validation/schema.js";

/** The 422 items a body produces (empty when it is valid). */
function issuesOf<T>(schema: Schema<T>, body: unknown): unknown[] {
  try {
    parseBody(schema, body);
    return [];
  } catch (error) {
    if (isLaunchError(error) && error.code === "VALIDATION" && Array.isArray(error.data)) return error.data;
    throw error;
  }
}

const pytorch = { framework_type: "pytorch", pytorch_image_tag: "1.13" };
const cloudpickle = {
  flavor: "cloudpickle_artifact",
  requirements: [],
  framework: pytorch,
  location: "s3://b/k",
  load_predict_fn: "def p(): ...",
  load_model_fn: "def m(): ...",
};
const v2 = (flavor: Record<string, unknown>) => ({ name: "b", schema_location: "s3://b/s", flavor });
const v1 = (env_params: unknown) => ({ name: "b", location: "s3://b/k", requirements: [], env_params, packaging_type: "cloudpickle" });

describe("CreateModelBundleV2Request", () => {
  it("accepts the client's cloudpickle body and leaves app_config null", () => {
    const parsed = parseBody(createBundleV2Schema, v2(cloudpickle));
    expect(parsed.flavor).toMatchObject({ flavor: "cloudpickle_artifact", app_config: null });
    expect(parsed.metadata).toBeNull();
  });

  it("schema_location is required", () => {
    expect(issuesOf(createBundleV2Schema, { name: "b", flavor: cloudpickle })).toEqual([
      { type: "missing", loc: ["body", "schema_location"], msg: "Field required", input: { name: "b", flavor: cloudpickle } },
    ]);
  });

  it("an unknown flavor is a union_tag_invalid", () => {
    const flavor = { flavor: "docker" };
    expect(issuesOf(createBundleV2Schema, v2(flavor))).toEqual([
      {
        type: "union_tag_invalid",
        loc: ["body", "flavor"],
        msg: "Input tag 'docker' found using 'flavor' does not match any of the expected tags: 'cloudpickle_artifact', 'zip_artifact', 'runnable_image', 'streaming_enhanced_runnable_image', 'triton_enhanced_runnable_image'",
        input: flavor,
        ctx: {
          discriminator: "'flavor'",
          tag: "docker",
          expected_tags: "'cloudpickle_artifact', 'zip_artifact', 'runnable_image', 'streaming_enhanced_runnable_image', 'triton_enhanced_runnable_image'",
        },
      },
    ]);
  });

  it("a flavor without its tag is a union_tag_not_found", () => {
    expect(issuesOf(createBundleV2Schema, v2({ repository: "r" }))).toMatchObject([{ type: "union_tag_not_found", loc: ["body", "flavor"] }]);
  });

  it("nested errors carry the tags in their loc", () => {
    const flavor = { ...cloudpickle, framework: { framework_type: "pytorch" } };
    expect(issuesOf(createBundleV2Schema, v2(flavor))).toMatchObject([
      { type: "missing", loc: ["body", "flavor", "cloudpickle_artifact", "framework", "pytorch", "pytorch_image_tag"] },
    ]);
  });

  it("runnable images need command and protocol 'http'", () => {
    const issues = issuesOf(createBundleV2Schema, v2({ flavor: "runnable_image", repository: "r", tag: "t", protocol: "grpc" }));
    expect(issues).toEqual([
      expect.objectContaining({ type: "missing", loc: ["body", "flavor", "runnable_image", "command"] }),
      expect.objectContaining({ type: "literal_error", loc: ["body", "flavor", "runnable_image", "protocol"], msg: "Input should be 'http'" }),
    ]);
  });

  it("fills runnable defaults; a streaming flavor without command gets []", () => {
    const parsed = parseBody(
      createBundleV2Schema,
      v2({ flavor: "streaming_enhanced_runnable_image", repository: "r", tag: "t", protocol: "http", streaming_command: ["s"] }),
    );
    expect(parsed.flavor).toMatchObject({
      command: [],
      predict_route: "/predict",
      healthcheck_route: "/readyz",
      readiness_initial_delay_seconds: 120,
      forwarder_type: "default",
      streaming_predict_route: "/stream",
    });
  });

  it("triton defaults its readiness delay to 300", () => {
    const parsed = parseBody(
      createBundleV2Schema,
      v2({
        flavor: "triton_enhanced_runnable_image",
        repository: "r",
        tag: "t",
        command: [],
        protocol: "http",
        triton_model_repository: "s3://m",
        triton_num_cpu: 2,
        triton_commit_tag: "c",
      }),
    );
    expect(parsed.flavor).toMatchObject({ triton_readiness_initial_delay_seconds: 300, triton_memory: null, triton_model_replicas: null });
  });
});

describe("CreateModelBundleV1Request env_params (mode='before' assertions)", () => {
  it("accepts each framework with its field and fills the others with null", () => {
    expect(parseBody(createBundleV1Schema, v1(pytorch)).env_params).toEqual({
      framework_type: "pytorch",
      pytorch_image_tag: "1.13",
      tensorflow_version: null,
      ecr_repo: null,
      image_tag: null,
    });
  });

  it.each([
    [{ framework_type: "pytorch", pytorch_image_tag: "" }, "Expected `pytorch_image_tag` to be non-null because the Pytorch framework type was selected."],
    [
      { framework_type: "tensorflow", tensorflow_version: null },
      "Expected `tensorflow_version` to be non-null because the Tensorflow frameworktype was selected.",
    ],
    [
      { framework_type: "custom_base_image", ecr_repo: null },
      "Expected `ecr_repo` and `image_tag` to be non-null because the custom framework type was selected.",
    ],
    [
      { framework_type: "custom_base_image", ecr_repo: "r", image_tag: "" },
      "Expected `ecr_repo` and `image_tag` to be non-null because the custom framework type was selected.",
    ],
    [{ framework_type: "jax" }, ""],
  ])("a falsy required value is an assertion_error on env_params: %j", (env, message) => {
    expect(issuesOf(createBundleV1Schema, v1(env))).toEqual([
      { type: "assertion_error", loc: ["body", "env_params"], msg: `Assertion failed, ${message}`, input: env, ctx: { error: {} } },
    ]);
  });

  it("a key missing entirely is a 422 missing here (the real server raises KeyError → 500)", () => {
    const env = { framework_type: "pytorch" };
    expect(issuesOf(createBundleV1Schema, v1(env))).toEqual([
      { type: "missing", loc: ["body", "env_params", "pytorch_image_tag"], msg: "Field required", input: env },
    ]);
  });

  it("packaging_type is an enum", () => {
    expect(issuesOf(createBundleV1Schema, { ...v1(pytorch), packaging_type: "tar" })).toEqual([
      {
        type: "enum",
        loc: ["body", "packaging_type"],
        msg: "Input should be 'cloudpickle', 'zip' or 'lira'",
        input: "tar",
        ctx: { expected: "'cloudpickle', 'zip' or 'lira'" },
      },
    ]);
  });
});
