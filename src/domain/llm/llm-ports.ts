/**
 * What the LLM half of the domain needs from the outside; `runtime/llm/` implements them and
 * `instance.ts` wires them in.
 */

/** Where an LLM endpoint's weights were found (README "LLM endpoints": three places, in this order). */
export type WeightsSource = "checkpoint_path" | "models_dir" | "hf_cache";

export interface ModelWeights {
  /** An HF model folder on this machine (config.json, tokenizer files, *.safetensors). */
  dir: string;
  source: WeightsSource;
  /** File names directly in `dir`. */
  files: string[];
}

export interface ModelWeightsLocator {
  /**
   * The weights of `modelName`: the blob-store folder `checkpointPath` names when given, else
   * `<models dir>/<modelName>/`, else the newest snapshot of its Hugging Face repository in the
   * user's HF cache. Never downloads. Throws LaunchError BAD_REQUEST with the message naming the
   * places looked at when none holds the model, or `No safetensors found in the checkpoint path.`
   */
  locate(modelName: string, checkpointPath: string | null): Promise<ModelWeights>;
}

/** Fine-tuned weights a user may download (`get_model_weights_urls`): `s3://` locations of files. */
export interface FineTunedWeights {
  /** The objects under `fine_tuned_weights/<owner>/<model>/`, as `s3://` locations. */
  list(owner: string, modelName: string): Promise<string[]>;
}
