import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalBlobStore, type LocalBlobStore } from "../../../src/blobs/local-blob-store.js";
import { FakeClock } from "../../../src/domain/clock.js";
import { LaunchError } from "../../../src/domain/errors.js";

describe("local blob store", () => {
  let dir: string;
  let clock: FakeClock;
  let fetched: string[];
  let store: LocalBlobStore;

  const fakeFetch: typeof fetch = async (input) => {
    const url = String(input);
    fetched.push(url);
    if (url.endsWith("/missing")) return new Response("nope", { status: 404 });
    if (url.endsWith("/down")) throw new TypeError("fetch failed");
    return new Response(`body of ${url}`);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "blobs-"));
    clock = new FakeClock(Date.UTC(2026, 0, 1));
    fetched = [];
    store = createLocalBlobStore({
      root: dir,
      bucket: "launch-local",
      signingSecret: "s",
      ttlSeconds: 300,
      clock,
      fetchImpl: fakeFetch,
      inputs: { allowedDirs: [dir], allowUrls: true },
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("stores s3://bucket/key at <root>/<bucket>/<key>, atomically (no temp files left)", async () => {
    await store.put("s3://launch-local/a/b.bin", new Uint8Array([1, 2, 3]));
    expect(await store.read("s3://launch-local/a/b.bin")).toEqual(Buffer.from([1, 2, 3]));
    expect(await store.localPath("s3://launch-local/a/b.bin")).toBe(join(dir, "launch-local", "a", "b.bin"));
    expect(readdirSync(join(dir, "launch-local", "a"))).toEqual(["b.bin"]);
    await expect(store.localPath("s3://launch-local/a")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a missing object is NOT_FOUND 'Object not found: <location>'", async () => {
    for (const location of [
      "s3://launch-local/nope",
      "s3://launch-local/a",
      pathToFileURL(join(dir, "nope")).href,
      "https://example.test/missing",
      "https://example.test/down",
    ]) {
      await expect(store.read(location)).rejects.toThrowError(new LaunchError("NOT_FOUND", `Object not found: ${location}`));
    }
    await expect(store.localPath("s3://launch-local/nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses keys that would escape the root, and unknown schemes", async () => {
    for (const location of ["s3://launch-local/../x", "s3://launch-local/a%2F..%2F..%2Fx", "s3://../x/y", "gs://b/k", "relative/path"]) {
      await expect(store.read(location)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(store.put("s3://launch-local/a/../../x", new Uint8Array())).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("reads file:// locations under the allowed folders (the client's self-hosted mode), and writes only s3://", async () => {
    const file = join(dir, "inside.txt");
    writeFileSync(file, "hello");
    expect((await store.read(pathToFileURL(file).href)).toString()).toBe("hello");
    expect(await store.localPath(pathToFileURL(file).href)).toBe(file);
    await expect(store.put(pathToFileURL(join(dir, "written.txt")).href, new Uint8Array([1]))).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("refuses files outside the allowed folders and URLs unless allowed, without touching them", async () => {
    const outside = mkdtempSync(join(tmpdir(), "outside-"));
    try {
      writeFileSync(join(outside, "secret"), "x");
      symlinkSync(join(outside, "secret"), join(dir, "link"));
      const strict = createLocalBlobStore({
        root: dir,
        bucket: "launch-local",
        signingSecret: "s",
        ttlSeconds: 300,
        clock,
        fetchImpl: fakeFetch,
        inputs: { allowedDirs: [dir], allowUrls: false },
      });
      for (const location of [
        pathToFileURL(join(outside, "secret")).href,
        join(outside, "secret"),
        pathToFileURL(join(dir, "link")).href,
        "https://example.test/x",
      ]) {
        await expect(strict.read(location), location).rejects.toMatchObject({ code: "BAD_REQUEST" });
      }
      expect(fetched).toEqual([]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("fetches http(s) on demand and caches downloads under <root>/.cache", async () => {
    expect(fetched).toEqual([]);
    const path = await store.localPath("https://example.test/model.pkl");
    const again = await store.localPath("https://example.test/model.pkl");
    expect(again).toBe(path);
    expect(path.startsWith(join(dir, ".cache"))).toBe(true);
    expect(fetched).toEqual(["https://example.test/model.pkl"]);
    expect((await store.read("https://example.test/model.pkl")).toString()).toBe("body of https://example.test/model.pkl");
  });

  it("hands out upload slots under the prefix, with a per-object PUT signature that expires", async () => {
    const upload = store.createSignedUpload("model-bundles/a b/..", "http://127.0.0.1:9/");
    expect(upload.key).toMatch(/^model-bundles\/a_b\/_\.\.\/[0-9a-f-]{36}$/);
    expect(upload.bucket).toBe("launch-local");
    expect(upload.location).toBe(`s3://launch-local/${upload.key}`);
    const url = new URL(upload.signedUrl);
    expect(url.origin + url.pathname).toBe(`http://127.0.0.1:9/_launch_local/signed-blobs/launch-local/${upload.key}`);
    const expires = url.searchParams.get("expires") ?? undefined;
    const signature = url.searchParams.get("signature") ?? undefined;
    expect(Number(expires)).toBe(Math.floor(clock.now() / 1000) + 300);
    expect(() => store.verifySignedUrl("PUT", "launch-local", upload.key, expires, signature)).not.toThrow();
    expect(() => store.verifySignedUrl("GET", "launch-local", upload.key, expires, signature)).toThrowError(/Invalid or expired signature/);
    await clock.advance(301_000);
    expect(() => store.verifySignedUrl("PUT", "launch-local", upload.key, expires, signature)).toThrowError(/Invalid or expired signature/);
  });

  it("signs GET downloads of s3 objects", () => {
    const url = new URL(store.createSignedDownload("s3://launch-local/a/b", "http://h"));
    expect(url.pathname).toBe("/_launch_local/signed-blobs/launch-local/a/b");
    expect(() =>
      store.verifySignedUrl("GET", "launch-local", "a/b", url.searchParams.get("expires") ?? undefined, url.searchParams.get("signature") ?? undefined),
    ).not.toThrow();
  });
});
