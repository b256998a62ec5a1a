import { describe, expect, it } from "vitest";
import { assertValidFilename } from "../../../src/domain/files/file-names.js";

describe("assertValidFilename (§7.1)", () => {
  it.each(["train.jsonl", "my file (1).txt", "100%.txt", "%zz", "données.csv", ".hidden", "a..b"])("accepts %j", (name) => {
    expect(() => assertValidFilename(name)).not.toThrow();
  });

  it.each(["", ".", "..", "a/b", "/etc/passwd", "..\\x", "a\0b", "%2e%2e", "..%2f", "a%2Fb", "a%252Fb", "%5c"])("refuses %j", (name) => {
    expect(() => assertValidFilename(name)).toThrow(/^Invalid file name /);
  });
});
