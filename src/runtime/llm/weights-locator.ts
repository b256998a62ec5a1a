/**
 * Where an LLM endpoint's weights come from, offline (README "LLM endpoints"; llm-contract.md §2.1
 * item 5, §2.2): the blob-store folder a `checkpoint_path` names, else `<models dir>/<model_name>/`,
 * else the newest snapshot of the model's Hugging Face repository in the user's HF cache. Nothing is
 * ever downloaded.
 */
import { readFile, readdir, stat } from "node:fs/promises";
import { isAbsolute, join, resolve, sep } from "node:path";
import { blobFilePath, parseS3Location } from "../../blobs/blob-keys.js";
import { badRequest } from "../../domain/errors.js";
import type { ModelWeights, ModelWeightsLocator } from "../../domain/llm/llm-ports.js";
import { huggingFaceRepoFor } from "../../domain/llm/supported-models.js";
import type { EndpointRecord } from "../../domain/endpoint.js";
import { llmMetadataOf } from "../../domain/llm/llm-metadata.js";

export interface WeightsLocatorOptions {
  blobRoot: string;
  /** `--llm-models-dir`; null when not set. */
  modelsDir: string | null;
  /** The HF hub cache folder (holding `models--org--name/`), resolved by config from HF_HOME & co. */
  hfHubCache: string;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function fileNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** `DIR/<model_name>` when the name cannot leave DIR (no `..`, `.`, empty or absolute parts). */
function modelsDirFolder(modelsDir: string, modelName: string): string | null {
  const parts = modelName.split("/");
  if (isAbsolute(modelName) || modelName.includes("\\") || modelName.includes("\0")) return null;
  if (parts.some((part) => part === "" || part === "." || part === "..")) return null;
  const base = resolve(modelsDir);
  const folder = resolve(base, ...parts);
  return folder.startsWith(base + sep) ? folder : null;
}

/**
 * The snapshot `refs/main` names, else the most recently modified one (huggingface_hub's cache
 * layout: `models--org--name/{refs,snapshots,blobs}`).
 */
async function hfSnapshot(hubCache: string, repo: string): Promise<string | null> {
  const repoDir = join(hubCache, `models--${repo.replace(/\//g, "--")}`);
  const snapshots = join(repoDir, "snapshots");
  try {
    const revision = (await readFile(join(repoDir, "refs", "main"), "utf8")).trim();
    if (/^[\w.-]+$/.test(revision) && (await isDirectory(join(snapshots, revision)))) return join(snapshots, revision);
  } catch {
    // No refs/main: fall back to the newest snapshot.
  }
  let newest: { path: string; mtime: number } | null = null;
  for (const name of await fileNames(snapshots)) {
    const path = join(snapshots, name);
    try {
      const info = await stat(path);
      if (info.isDirectory() && (newest === null || info.mtimeMs > newest.mtime)) newest = { path, mtime: info.mtimeMs };
    } catch {
      // A snapshot removed while listing.
    }
  }
  return newest?.path ?? null;
}

export function createWeightsLocator(options: WeightsLocatorOptions): ModelWeightsLocator {
  return {
    async locate(modelName, checkpointPath) {
      if (checkpointPath !== null) {
        if (!checkpointPath.startsWith("s3://")) {
          throw badRequest(
            `launch-local reads checkpoint_path only from its own blob store (s3://<bucket>/<folder>); ${checkpointPath} cannot be read offline.`,
          );
        }
        const { bucket, key } = parseS3Location(checkpointPath.replace(/\/+$/, ""));
        const dir = blobFilePath(options.blobRoot, bucket, key);
        // A missing folder lists no files, so the caller answers the real `No safetensors found …`.
        return { dir, source: "checkpoint_path", files: await fileNames(dir) } satisfies ModelWeights;
      }
      const local = options.modelsDir === null ? null : modelsDirFolder(options.modelsDir, modelName);
      if (local !== null && (await isDirectory(local))) return { dir: local, source: "models_dir", files: await fileNames(local) };
      const repo = huggingFaceRepoFor(modelName);
      const snapshot = repo === null ? null : await hfSnapshot(options.hfHubCache, repo);
      if (snapshot !== null) return { dir: snapshot, source: "hf_cache", files: await fileNames(snapshot) };
      throw badRequest(notFoundMessage(modelName, options, repo));
    },
  };
}

function notFoundMessage(modelName: string, options: WeightsLocatorOptions, repo: string | null): string {
  const modelsDir =
    options.modelsDir === null
      ? "no --llm-models-dir is set (LAUNCH_LOCAL_LLM_MODELS_DIR)"
      : `${join(resolve(options.modelsDir), modelName)} is not a folder (--llm-models-dir)`;
  const cache =
    repo === null
      ? `no Hugging Face repository is known for "${modelName}", so the Hugging Face cache (${options.hfHubCache}) was not searched`
      : `the Hugging Face cache (${options.hfHubCache}) has no snapshot of ${repo}`;
  return (
    `No checkpoint path found for model ${modelName}: no checkpoint_path was given, ${modelsDir}, and ${cache}. ` +
    "launch-local never downloads models: pass checkpoint_path (an s3:// folder in its blob store), place the model in the models dir, or in the HF cache."
  );
}

/** The weights folder of an LLM endpoint's workers, found again at each start (null: not an LLM endpoint). */
export async function llmWeightsDir(endpoint: EndpointRecord | null, locator: ModelWeightsLocator): Promise<string | null> {
  const llm = endpoint === null ? null : llmMetadataOf(endpoint);
  if (llm === null) return null;
  return (await locator.locate(llm.model_name, llm.checkpoint_path)).dir;
}
