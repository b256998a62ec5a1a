/**
 * STYLE.md: small files, one concept each. No source file, test, script or worker module grows
 * past 400 lines; one that does is split by concept (as instance-blobs.ts and job-ports.ts were).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const FOLDERS = ["src", "test", "scripts", "bin"];
const CHECKED = /\.(ts|mts|mjs|js|py)$/;
const LIMIT = 400;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "__pycache__") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.isFile() && CHECKED.test(entry.name)) yield path;
  }
}

function lineCount(text: string): number {
  if (text === "") return 0;
  return text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
}

describe("file size", () => {
  it(`keeps every source, test, script and worker file at ${LIMIT} lines or fewer`, () => {
    const files = FOLDERS.flatMap((folder) => [...sourceFiles(join(ROOT, folder))]);
    expect(files.length).toBeGreaterThan(100);
    const tooLong = files.map((file) => ({ file: relative(ROOT, file), lines: lineCount(readFileSync(file, "utf8")) })).filter(({ lines }) => lines > LIMIT);
    expect(tooLong).toEqual([]);
  });

  it("counts lines as an editor numbers them", () => {
    expect(lineCount("a\nb\n")).toBe(2);
    expect(lineCount("a\nb")).toBe(2);
    expect(lineCount("")).toBe(0);
  });
});
