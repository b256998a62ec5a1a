/**
 * Model bundle entity (server-contract.md §2.1). Stored once in the v2 shape; the v1 view is derived.
 * Field names follow the wire (snake_case) inside `flavor` because the flavor is echoed verbatim.
 */
export type Framework =
  | { framework_type: "pytorch"; pytorch_image_tag: string }
  | { framework_type: "tensorflow"; tensorflow_version: string }
  | { framework_type: "custom_base_image"; image_repository: string; image_tag: string };

export interface CloudpickleFlavor {
  flavor: "cloudpickle_artifact";
  requirements: string[];
  framework: Framework;
  app_config: Record<string, unknown> | null;
  location: string;
  load_predict_fn: string;
  load_model_fn: string;
}

export interface ZipFlavor {
  flavor: "zip_artifact";
  requirements: string[];
  framework: Framework;
  app_config: Record<string, unknown> | null;
  location: string;
  load_predict_fn_module_path: string;
  load_model_fn_module_path: string;
}

export interface RunnableFields {
  repository: string;
  tag: string;
  command: string[];
  predict_route: string;
  healthcheck_route: string;
  env: Record<string, string> | null;
  protocol: "http";
  readiness_initial_delay_seconds: number;
  extra_routes: string[];
  routes: string[];
  forwarder_type: string | null;
  worker_command: string[] | null;
  worker_env: Record<string, string> | null;
}

export interface RunnableFlavor extends RunnableFields {
  flavor: "runnable_image";
}

export interface StreamingFlavor extends RunnableFields {
  flavor: "streaming_enhanced_runnable_image";
  streaming_command: string[];
  streaming_predict_route: string;
}

export interface TritonFlavor extends RunnableFields {
  flavor: "triton_enhanced_runnable_image";
  triton_model_repository: string;
  triton_model_replicas: Record<string, string> | null;
  triton_num_cpu: number;
  triton_commit_tag: string;
  triton_storage: string | null;
  triton_memory: string | null;
  triton_readiness_initial_delay_seconds: number;
}

export type ArtifactFlavor = CloudpickleFlavor | ZipFlavor;
export type BundleFlavor = ArtifactFlavor | RunnableFlavor | StreamingFlavor | TritonFlavor;

export const isArtifactFlavor = (flavor: BundleFlavor): flavor is ArtifactFlavor =>
  flavor.flavor === "cloudpickle_artifact" || flavor.flavor === "zip_artifact";

/** What a v1 create recorded, so the v1 view echoes it exactly (§2.1 ModelBundleV1Response). */
export interface LegacyBundleFields {
  location: string;
  requirements: string[];
  env_params: Record<string, unknown>;
  packaging_type: "cloudpickle" | "zip" | "lira";
  app_config: Record<string, unknown> | null;
}

export interface BundleRecord {
  id: string;
  name: string;
  owner: string;
  createdBy: string;
  createdAt: number;
  metadata: Record<string, unknown>;
  schemaLocation: string | null;
  modelArtifactIds: string[];
  flavor: BundleFlavor;
  /** Present when the bundle came from the v1 API or a clone changed the legacy app_config. */
  legacy: LegacyBundleFields | null;
}
