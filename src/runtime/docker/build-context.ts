/**
 * The files of an artifact bundle's image build: the worker server (src/worker), the host's
 * cloudpickle package and the requirements' wheels, laid out under `launch/` as dockerfile.ts
 * expects. Requirements are downloaded on the host with the user's pip configuration, because the
 * base image may have no network (DESIGN.md "Workers" → Docker runtime).
 */
import { createHash } from "node:crypto";
import { readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { Env } from "../process/run-command.js";
import { runCommand } from "../process/run-command.js";
import { runPipWithFallback } from "../pip-fallback.js";
import type { TarEntry } from "./tar-writer.js";

/** A file of the context with its bytes (small files: worker source, cloudpickle). */
export interface ContextFile {
  name: string;
  data: Buffer;
  mode: number;
}

const isSkipped = (name: string): boolean => name === "__pycache__" || name.endsWith(".pyc") || name.startsWith(".");

/** Every file under `dir`, named `<prefix>/<relative path>`, in a stable order. */
export async function collectTree(dir: string, prefix: string): Promise<ContextFile[]> {
  const files: ContextFile[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (isSkipped(entry.name)) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const info = await stat(path);
        const name = `${prefix}/${relative(dir, path).split(sep).join("/")}`;
        files.push({ name, data: await readFile(path), mode: info.mode & 0o111 ? 0o755 : 0o644 });
      }
    }
  };
  await walk(dir);
  return files;
}

/** The directory of the host interpreter's cloudpickle package; a clear error when it has none. */
export async function findCloudpickleDir(python: string, env: Env): Promise<string> {
  const lines: string[] = [];
  const script = "import os, cloudpickle; print(os.path.dirname(os.path.abspath(cloudpickle.__file__)))";
  const result = await runCommand([python, "-c", script], { env, onLine: (line) => lines.push(line) });
  const dir = lines[lines.length - 1]?.trim() ?? "";
  if (result.code !== 0 || dir.length === 0) {
    throw new Error(`${python} cannot import cloudpickle (needed in every bundle image): ${lines.slice(-3).join(" | ")}`);
  }
  return dir;
}

/** requirements.txt as pip reads it, one requirement a line. */
export const requirementsText = (requirements: readonly string[]): string => (requirements.length === 0 ? "" : `${requirements.join("\n")}\n`);

/**
 * Downloads the wheels (or sdists) of `requirements` into `destDir` with the host's pip. Returns
 * the output tail on failure (null on success) and the requirements downloaded: with `pipFallback`,
 * a missing pin may have been replaced by the nearest version (pip-fallback.ts).
 */
export async function downloadRequirements(
  python: string,
  requirements: readonly string[],
  destDir: string,
  env: Env,
  log: (line: string) => void,
  pipFallback = false,
): Promise<{ failure: string | null; requirements: readonly string[] }> {
  const listFile = join(destDir, "..", "requirements.txt");
  log(`Downloading requirements on the host: ${requirements.join(" ")}`);
  let used: readonly string[] = requirements;
  const result = await runPipWithFallback(
    requirements,
    pipFallback,
    async (lines) => {
      used = lines;
      await writeFile(listFile, requirementsText(lines));
      return runCommand([python, "-m", "pip", "download", "--disable-pip-version-check", "--dest", destDir, "-r", listFile], { env, onLine: log });
    },
    log,
  );
  return { failure: result.code === 0 ? null : result.tail.slice(-5).join(" | "), requirements: used };
}

/** Tar entries for the files in `dir` (flat, as pip download leaves them), streamed from disk. */
export async function diskEntries(dir: string, prefix: string): Promise<TarEntry[]> {
  const names = (await readdir(dir)).sort();
  const entries: TarEntry[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path);
    if (info.isFile()) entries.push({ name: `${prefix}/${name}`, mode: 0o644, source: { path, size: info.size } });
  }
  return entries;
}

/** sha256 over labelled parts; file contents are hashed by name and digest so the order is explicit. */
export function contentHash(parts: { label: string; value: string }[], files: readonly ContextFile[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${part.label}\0${part.value}\0`);
  for (const file of files) {
    hash.update(`file\0${file.name}\0${file.mode.toString(8)}\0`);
    hash.update(createHash("sha256").update(file.data).digest("hex"));
  }
  return hash.digest("hex");
}
