/**
 * Fine-tune templates (llm-contract.md §2.3; `LLMFineTuneTemplate`, `S3FileLLMFineTuneRepository`):
 * one JSON document, `{"<model>-<method>": {docker_image_batch_job_bundle_id, launch_endpoint_config,
 * default_hparams, required_params}}`, read at every create. An entry that does not validate, or a
 * document that cannot be read or parsed, counts as no template (the real repository logs and
 * returns None), which the create route answers with its 400.
 */
export interface FineTuneTemplate {
  docker_image_batch_job_bundle_id: string;
  launch_endpoint_config: Record<string, unknown>;
  default_hparams: Record<string, unknown>;
  required_params: string[];
}

/** `DEFAULT_FINE_TUNING_METHOD`: the only method the real server asks the repository for. */
export const DEFAULT_FINE_TUNING_METHOD = "lora";

/** `_get_key`. */
export const templateKey = (model: string, method: string): string => `${model}-${method}`;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** `LLMFineTuneTemplate.parse_obj` (pydantic v2, lax): four required fields of these types; extra keys are ignored. */
export function parseTemplate(value: unknown): FineTuneTemplate | null {
  if (!isObject(value)) return null;
  const { docker_image_batch_job_bundle_id: bundleId, launch_endpoint_config: endpointConfig, default_hparams: hparams, required_params: required } = value;
  if (typeof bundleId !== "string" || !isObject(endpointConfig) || !isObject(hparams)) return null;
  if (!Array.isArray(required) || !required.every((param): param is string => typeof param === "string")) return null;
  return { docker_image_batch_job_bundle_id: bundleId, launch_endpoint_config: endpointConfig, default_hparams: hparams, required_params: required };
}

/** The entry for `model` and `method` in the document's text, or null. */
export function templateFromDocument(text: string, model: string, method: string): FineTuneTemplate | null {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(document)) return null;
  const key = templateKey(model, method);
  return Object.prototype.hasOwnProperty.call(document, key) ? parseTemplate(document[key]) : null;
}
