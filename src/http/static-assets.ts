import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../package-root.js";

export interface StaticAsset {
  body: Uint8Array;
  contentType: string;
}

const TYPES: Record<string, string> = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", png: "image/png", svg: "image/svg+xml" };

/**
 * The files shipped under `static/<folder>/` (package.json "files"), served by name: only names in
 * `allowed`, so no request path ever reaches the file system. Read once, on first use.
 */
export function staticAssets(folder: string, allowed: readonly string[]): (name: string) => Promise<StaticAsset | null> {
  const cache = new Map<string, Promise<StaticAsset>>();
  return (name) => {
    if (!allowed.includes(name)) return Promise.resolve(null);
    let asset = cache.get(name);
    if (!asset) {
      const extension = name.slice(name.lastIndexOf(".") + 1);
      asset = readFile(join(PACKAGE_ROOT, "static", folder, name)).then((body) => ({ body, contentType: TYPES[extension] ?? "application/octet-stream" }));
      cache.set(name, asset);
    }
    return asset;
  };
}
