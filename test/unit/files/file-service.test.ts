import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import { FileService } from "../../../src/domain/files/file-service.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { createFileRepository } from "../../../src/store/file-repository.js";

const ME = { userId: "me", teamId: "me" };
const OTHER = { userId: "other", teamId: "other" };
let db: Db;
let files: FileService;

beforeEach(() => {
  db = openDatabase(":memory:");
  files = new FileService({ files: createFileRepository(db), clock: new FakeClock() });
});

afterEach(() => db.close());

const bytes = (text: string) => new TextEncoder().encode(text);

describe("FileService (§7.1)", () => {
  it("stores UTF-8 text under the filename, size in bytes, a BOM kept as Python keeps it", () => {
    expect(files.upload(ME, "a.txt", bytes("héllo"))).toMatchObject({ id: "a.txt", size: 6 });
    expect(files.content(ME, "a.txt").content).toBe("héllo");
    files.upload(ME, "bom.txt", new Uint8Array([0xef, 0xbb, 0xbf, 0x41]));
    expect(files.content(ME, "bom.txt").content).toBe("\ufeffA");
  });

  it("overwrites on re-upload and lists by id in byte order", () => {
    files.upload(ME, "b", bytes("1"));
    files.upload(ME, "B", bytes("22"));
    files.upload(ME, "b", bytes("333"));
    expect(files.list(ME).map((file) => [file.id, file.size])).toEqual([
      ["B", 2],
      ["b", 3],
    ]);
  });

  it("keeps owners apart and always reports deleted", () => {
    files.upload(ME, "x", bytes("mine"));
    expect(() => files.get(OTHER, "x")).toThrow("The specified file could not be found.");
    expect(files.delete(OTHER, "x")).toBe(true);
    expect(files.get(ME, "x").size).toBe(4);
    expect(files.delete(ME, "x")).toBe(true);
    expect(() => files.content(ME, "x")).toThrow("The specified file could not be found.");
  });

  it("refuses bytes that are not UTF-8", () => {
    expect(() => files.upload(ME, "bin", new Uint8Array([0xc3, 0x28]))).toThrow("not valid UTF-8");
  });
});
