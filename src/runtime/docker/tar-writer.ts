/**
 * A minimal ustar writer for Docker build contexts (no npm dependency). Entries are regular files;
 * the daemon creates parent directories itself. Small files are given as bytes; large ones (wheels)
 * are streamed from disk so a build context never has to fit in memory at once.
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";

export interface TarEntry {
  /** Relative path with "/" separators, e.g. "launch/worker/server.py". */
  name: string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** Either the bytes, or a file on disk with its size (read when the tar is consumed). */
  source: { data: Uint8Array } | { path: string; size: number };
}

const BLOCK = 512;
const NAME_FIELD = 100;
const PREFIX_FIELD = 155;

/** A name field pair as ustar stores paths longer than 100 bytes: prefix "/" name. */
function splitName(name: string): { prefix: string; name: string } {
  if (Buffer.byteLength(name) <= NAME_FIELD) return { prefix: "", name };
  for (let slash = name.indexOf("/"); slash >= 0; slash = name.indexOf("/", slash + 1)) {
    const prefix = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    if (Buffer.byteLength(prefix) <= PREFIX_FIELD && Buffer.byteLength(rest) <= NAME_FIELD) return { prefix, name: rest };
  }
  throw new Error(`tar: path too long for ustar: ${name}`);
}

/** An octal number field, NUL-terminated, zero-padded to `width` bytes. */
function writeOctal(header: Buffer, offset: number, width: number, value: number): void {
  const text = value.toString(8).padStart(width - 1, "0");
  if (text.length > width - 1) throw new Error(`tar: value ${value} does not fit a ${width}-byte field`);
  header.write(`${text}\0`, offset, width, "ascii");
}

/** The 512-byte ustar header of one regular file. */
export function tarHeader(entryName: string, mode: number, size: number): Buffer {
  if (entryName.startsWith("/") || entryName.split("/").includes("..")) throw new Error(`tar: unsafe path ${entryName}`);
  const { prefix, name } = splitName(entryName);
  const header = Buffer.alloc(BLOCK, 0);
  header.write(name, 0, NAME_FIELD, "utf8");
  writeOctal(header, 100, 8, mode & 0o7777);
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, size);
  // A fixed mtime keeps the context (and Docker's layer cache key for COPY) reproducible.
  writeOctal(header, 136, 12, 0);
  header.write("        ", 148, 8, "ascii"); // checksum is computed with its own field as spaces
  header.write("0", 156, 1, "ascii"); // regular file
  header.write("ustar\0", 257, 6, "ascii");
  header.write("00", 263, 2, "ascii");
  header.write(prefix, 345, PREFIX_FIELD, "utf8");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return header;
}

const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK, 0);

async function* chunks(entries: readonly TarEntry[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    if ("data" in entry.source) {
      const data = Buffer.from(entry.source.data);
      yield tarHeader(entry.name, entry.mode, data.length);
      yield data;
      yield padding(data.length);
      continue;
    }
    const { path, size } = entry.source;
    yield tarHeader(entry.name, entry.mode, size);
    let written = 0;
    for await (const chunk of createReadStream(path)) {
      if (!Buffer.isBuffer(chunk)) throw new Error(`tar: unexpected chunk reading ${path}`);
      written += chunk.length;
      if (written > size) throw new Error(`tar: ${path} grew while it was being archived`);
      yield chunk;
    }
    if (written !== size) throw new Error(`tar: ${path} changed size while it was being archived`);
    yield padding(size);
  }
  // End of archive: two zero blocks.
  yield Buffer.alloc(BLOCK * 2, 0);
}

/** The archive as a stream, produced as it is read. */
export function tarStream(entries: readonly TarEntry[]): Readable {
  return Readable.from(chunks(entries), { objectMode: false });
}
