/**
 * One error code per failure README "Error codes" lists (STYLE.md §3): every code the domain can
 * throw (src/domain/errors.ts) is one row of the README table with the status the one mapping table
 * gives it (src/http/error-table.ts), and every code the README names exists.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { STATUS_BY_CODE } from "../../../src/http/error-table.js";

const REPO_ROOT = join(import.meta.dirname, "..", "..", "..");

/** The rows of the table under `## Error codes`: the code cell (null for `—`) and the status. */
function readmeRows(): { code: string | null; status: number }[] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.split(/^## Error codes$/m)[1]?.split(/^## /m)[0] ?? "";
  const table = section.split("\n").filter((line) => line.startsWith("|"));
  expect(table[0], "the table's header").toMatch(/^\| code \| status \| body \| when \|$/);
  return table.slice(2).map((line) => {
    const [code = "", status = ""] = line
      .split("|")
      .slice(1)
      .map((cell) => cell.trim());
    return { code: code === "—" ? null : (/^`([A-Z_]+)`$/.exec(code)?.[1] ?? `unreadable code cell ${code}`), status: Number(status) };
  });
}

/** The members of the `ErrorCode` union, read from its source. */
function declaredCodes(): string[] {
  const source = readFileSync(join(REPO_ROOT, "src", "domain", "errors.ts"), "utf8");
  const union = /export type ErrorCode =([^;]*);/.exec(source)?.[1] ?? "";
  return [...union.matchAll(/\|\s*"([A-Z_]+)"/g)].map((match) => match[1] ?? "");
}

describe("README error codes", () => {
  it("lists each declared code exactly once, and no code that is not declared", () => {
    const documented = readmeRows().flatMap((row) => (row.code === null ? [] : [row.code]));
    const declared = declaredCodes();
    expect(declared.length).toBeGreaterThan(10);
    expect(
      documented.filter((code, index) => documented.indexOf(code) !== index),
      "documented twice",
    ).toEqual([]);
    expect([...documented].sort()).toEqual([...declared].sort());
  });

  it("gives each code the status of the one mapping table", () => {
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual(declaredCodes().sort());
    for (const row of readmeRows()) {
      if (row.code === null) continue;
      expect(row.status, row.code).toBe((STATUS_BY_CODE as Record<string, number>)[row.code]);
    }
  });
});
