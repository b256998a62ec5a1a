import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../package-root.js";

export interface StaticAsset {
  body: Uint8Array;
  contentType: string;
}

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  html: "text/html; charset=utf-8",
  png: "image/png",
  svg: "image/svg+xml",
};

const typeOf = (name: string): string => TYPES[name.slice(name.lastIndexOf(".") + 1)] ?? "application/octet-stream";

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
      asset = readFile(join(PACKAGE_ROOT, "static", folder, name)).then((body) => ({ body, contentType: typeOf(name) }));
      cache.set(name, asset);
    }
    return asset;
  };
}

/**
 * Files of a dependency that the page loads (uPlot's script and style), by the name served → the
 * module specifier, resolved as Node resolves them from this module (in dist/ and in the CLI bundle
 * alike) and read once, on first use. Nothing is fetched from elsewhere.
 */
export function dependencyAssets(files: Readonly<Record<string, string>>): (name: string) => Promise<StaticAsset | null> {
  const require = createRequire(import.meta.url);
  const cache = new Map<string, Promise<StaticAsset>>();
  return (name) => {
    const specifier = Object.hasOwn(files, name) ? files[name] : undefined;
    if (specifier === undefined) return Promise.resolve(null);
    let asset = cache.get(name);
    if (!asset) {
      asset = readFile(require.resolve(specifier)).then((body) => ({ body, contentType: typeOf(specifier) }));
      cache.set(name, asset);
    }
    return asset;
  };
}
