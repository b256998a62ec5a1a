import { execFileSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tarHeader, tarStream, type TarEntry } from "../../../src/runtime/docker/tar-writer.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "launch-tar-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTar(entries: TarEntry[]): Promise<string> {
  const path = join(dir, `t${Math.random().toString(36).slice(2)}.tar`);
  await pipeline(tarStream(entries), createWriteStream(path));
  return path;
}

describe("tar writer", () => {
  it("round-trips through GNU tar: names, modes, bytes, long paths, files streamed from disk", async () => {
    const onDisk = join(dir, "wheel.whl");
    const big = Buffer.alloc(70_000, 7);
    await writeFile(onDisk, big);
    const longName = `launch/${"deep/".repeat(25)}file.py`;
    const path = await writeTar([
      { name: "Dockerfile", mode: 0o644, source: { data: Buffer.from("FROM x\n") } },
      { name: "launch/worker/server.py", mode: 0o755, source: { data: Buffer.from("print('é')\n") } },
      { name: "launch/empty", mode: 0o644, source: { data: new Uint8Array() } },
      { name: longName, mode: 0o644, source: { data: Buffer.from("deep\n") } },
      { name: "launch/wheels/wheel.whl", mode: 0o644, source: { path: onDisk, size: big.length } },
    ]);
    const listing = execFileSync("tar", ["-tvf", path], { encoding: "utf8" }).trim().split("\n");
    expect(listing.map((line) => line.split(/\s+/).pop())).toEqual([
      "Dockerfile",
      "launch/worker/server.py",
      "launch/empty",
      longName,
      "launch/wheels/wheel.whl",
    ]);
    expect(listing[1]).toMatch(/^-rwxr-xr-x/);
    expect(listing[0]).toMatch(/^-rw-r--r--/);
    expect(execFileSync("tar", ["-xOf", path, "launch/worker/server.py"], { encoding: "utf8" })).toBe("print('é')\n");
    expect(execFileSync("tar", ["-xOf", path, longName], { encoding: "utf8" })).toBe("deep\n");
    expect(execFileSync("tar", ["-xOf", path, "launch/wheels/wheel.whl"]).equals(big)).toBe(true);
  });

  it("pads every entry to 512-byte blocks and ends with two zero blocks", async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of tarStream([{ name: "a", mode: 0o644, source: { data: Buffer.from("xyz") } }])) {
      chunks.push(Buffer.from(chunk));
    }
    const archive = Buffer.concat(chunks);
    expect(archive.length).toBe(512 * 4);
    expect(archive.subarray(1024).every((byte) => byte === 0)).toBe(true);
  });

  it("writes a valid checksum", () => {
    const header = tarHeader("launch/x.py", 0o644, 10);
    const stored = Number.parseInt(header.subarray(148, 154).toString("ascii"), 8);
    const copy = Buffer.from(header);
    copy.fill(0x20, 148, 156);
    expect(stored).toBe(copy.reduce((sum, byte) => sum + byte, 0));
  });

  it("refuses unsafe or oversized paths", () => {
    expect(() => tarHeader("/etc/passwd", 0o644, 0)).toThrow(/unsafe/);
    expect(() => tarHeader("a/../../b", 0o644, 0)).toThrow(/unsafe/);
    expect(() => tarHeader("x".repeat(300), 0o644, 0)).toThrow(/too long/);
  });

  it("fails when a file on disk is not the size it was listed with", async () => {
    const onDisk = join(dir, "short.bin");
    await writeFile(onDisk, "abc");
    await expect(writeTar([{ name: "s", mode: 0o644, source: { path: onDisk, size: 10 } }])).rejects.toThrow(/changed size/);
  });
});
