/**
 * Fine-tuned weights in the blob store (llm-contract.md §1.5 step 4, §1.1 download): a fine-tune
 * writes `s3://<bucket>/hosted-model-inference/fine_tuned_weights/<owner>/<model>/…` (the real
 * `hf_user_fine_tuned_weights_prefix` layout) and `POST /v1/llm/model-endpoints/download` lists it.
 * `fineTunedWeightsKey` (domain/llm/fine-tuned-paths.ts) names the folder for writers and readers alike.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { FineTunedWeights } from "../domain/llm/llm-ports.js";
import { fineTunedWeightsKey } from "../domain/llm/fine-tuned-paths.js";
import { blobFilePath } from "./blob-keys.js";

export function createFineTunedWeights(root: string, bucket: string): FineTunedWeights {
  return {
    async list(owner, model) {
      const key = fineTunedWeightsKey(owner, model);
      const locations: string[] = [];
      const walk = async (dir: string, prefix: string): Promise<void> => {
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
          if (entry.isDirectory()) await walk(join(dir, entry.name), `${prefix}/${entry.name}`);
          else if (entry.isFile()) locations.push(`s3://${bucket}/${prefix}/${entry.name}`);
        }
      };
      await walk(blobFilePath(root, bucket, key), key);
      return locations;
    },
  };
}
