/**
 * What the bundle routes hand to BundleService after validation (server-contract.md §2.1). Field
 * names follow the wire, like the stored flavor, so a validated body is passed through unchanged.
 */
import type { BundleFlavor } from "../bundle.js";

export const FRAMEWORK_TYPES = ["pytorch", "tensorflow", "custom_base_image"] as const;
export type FrameworkType = (typeof FRAMEWORK_TYPES)[number];

export const PACKAGING_TYPES = ["cloudpickle", "zip", "lira"] as const;
export type PackagingType = (typeof PACKAGING_TYPES)[number];

/** ModelBundleEnvironmentParams: every key present, null when unset (pydantic serialises all fields). */
export interface EnvironmentParams {
  framework_type: FrameworkType;
  pytorch_image_tag: string | null;
  tensorflow_version: string | null;
  ecr_repo: string | null;
  image_tag: string | null;
}

/** CreateModelBundleV1Request. */
export interface CreateBundleV1Input {
  name: string;
  location: string;
  requirements: string[];
  env_params: EnvironmentParams;
  packaging_type: PackagingType;
  metadata: Record<string, unknown> | null;
  app_config: Record<string, unknown> | null;
  schema_location: string | null;
}

/** CreateModelBundleV2Request; `flavor` already carries every default (§2.1 flavor table). */
export interface CreateBundleV2Input {
  name: string;
  metadata: Record<string, unknown> | null;
  schema_location: string;
  flavor: BundleFlavor;
}
