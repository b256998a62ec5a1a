import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWeightsLocator } from "../../../src/runtime/llm/weights-locator.js";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "weights-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** huggingface_hub's layout: blobs/<hash>, snapshots/<rev>/<file> → ../../blobs/<hash>, refs/main. */
function cacheRepo(hub: string, repo: string, revisions: string[], main: string | null): string {
  const dir = join(hub, `models--${repo.replace("/", "--")}`);
  mkdirSync(join(dir, "blobs"), { recursive: true });
  writeFileSync(join(dir, "blobs", "abc"), "weights");
  revisions.forEach((revision, index) => {
    mkdirSync(join(dir, "snapshots", revision), { recursive: true });
    symlinkSync("../../blobs/abc", join(dir, "snapshots", revision, "model.safetensors"));
    utimesSync(join(dir, "snapshots", revision), 1000 + index, 1000 + index);
  });
  if (main !== null) {
    mkdirSync(join(dir, "refs"), { recursive: true });
    writeFileSync(join(dir, "refs", "main"), `${main}\n`);
  }
  return dir;
}

describe("the weights locator", () => {
  it("takes the snapshot refs/main names, else the newest, for the repository the short name maps to", async () => {
    const hub = join(root, "hub");
    const dir = cacheRepo(hub, "huggyllama/llama-7b", ["old", "new"], "old");
    const locator = createWeightsLocator({ blobRoot: join(root, "blobs"), modelsDir: null, hfHubCache: hub });
    expect(await locator.locate("llama-2-7b", null)).toEqual({ dir: join(dir, "snapshots", "old"), source: "hf_cache", files: ["model.safetensors"] });
    rmSync(join(dir, "refs"), { recursive: true });
    expect((await locator.locate("llama-2-7b", null)).dir).toBe(join(dir, "snapshots", "new"));
    cacheRepo(hub, "my-org/tiny", ["r1"], null);
    expect((await locator.locate("my-org/tiny", null)).source).toBe("hf_cache");
  });

  it("prefers the models dir, and never leaves it", async () => {
    const modelsDir = join(root, "models");
    mkdirSync(join(modelsDir, "llama-2-7b"), { recursive: true });
    mkdirSync(join(root, "outside"), { recursive: true });
    const locator = createWeightsLocator({ blobRoot: join(root, "blobs"), modelsDir, hfHubCache: join(root, "hub") });
    expect((await locator.locate("llama-2-7b", null)).source).toBe("models_dir");
    await expect(locator.locate("../outside", null)).rejects.toThrow(/No checkpoint path found for model \.\.\/outside/);
  });

  it("reads a checkpoint_path only inside the blob store", async () => {
    const blobRoot = join(root, "blobs");
    mkdirSync(join(blobRoot, "b", "ckpt"), { recursive: true });
    writeFileSync(join(blobRoot, "b", "ckpt", "model.safetensors"), "w");
    const locator = createWeightsLocator({ blobRoot, modelsDir: null, hfHubCache: join(root, "hub") });
    expect(await locator.locate("x", "s3://b/ckpt/")).toEqual({ dir: join(blobRoot, "b", "ckpt"), source: "checkpoint_path", files: ["model.safetensors"] });
    await expect(locator.locate("x", "s3://b/../etc")).rejects.toThrow(/Invalid blob key/);
    await expect(locator.locate("x", "gs://b/ckpt")).rejects.toThrow(/cannot be read offline/);
  });
});
