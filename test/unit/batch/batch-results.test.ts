import { describe, expect, it } from "vitest";
import { resultLine, serializeResults } from "../../../src/domain/batch/batch-results.js";
import { isoDuration } from "../../../src/domain/batch/iso-duration.js";
import { pickleDumps } from "../../../src/domain/batch/pickle-writer.js";

const item = {
  task_id: "9f0c",
  status: "SUCCESS" as const,
  result: { result: '{"y": "\\u00e9", "z": 1.5}' },
  traceback: null,
  status_code: null,
  id: "0",
};

describe("result file lines: Python json.dumps of the task view plus id (§6.1 step 4)", () => {
  it("formats one line with Python's separators and ASCII escapes", () => {
    expect(resultLine(item)).toBe(
      '{"task_id": "9f0c", "status": "SUCCESS", "result": {"result": "{\\"y\\": \\"\\\\u00e9\\", \\"z\\": 1.5}"}, "traceback": null, "status_code": null, "id": "0"}',
    );
    expect(resultLine({ ...item, result: { out: [1, 2.5, "ü", true] }, status_code: 200, id: null })).toBe(
      '{"task_id": "9f0c", "status": "SUCCESS", "result": {"out": [1, 2.5, "\\u00fc", true]}, "traceback": null, "status_code": 200, "id": null}',
    );
  });

  it("joins lines with \\n and no newline at the end", () => {
    expect(
      serializeResults([item, { ...item, id: "1" }], "JSON")
        .toString("utf8")
        .split("\n"),
    ).toHaveLength(2);
    expect(serializeResults([item], "JSON").toString("utf8").endsWith("}")).toBe(true);
    expect(serializeResults([], "JSON").length).toBe(0);
  });
});

describe("pickle writer: protocol 2, as pickle.loads reads it", () => {
  it("writes lists, dicts, strings, ints and None", () => {
    // pickle.loads(bytes.fromhex(…)) == [{'a': 1, 'b': None}]
    expect(pickleDumps([{ a: 1, b: null }]).toString("hex")).toBe("80025d287d285801000000614b015801000000624e75652e");
  });

  it("picks the int opcode by size and writes floats and booleans", () => {
    const bytes = pickleDumps([-1, 300, 2 ** 32, 1.5, true, false]).toString("hex");
    expect(bytes).toBe("80025d284affffffff4d2c018a050000000001473ff8000000000000888965" + "2e");
  });

  it("pickles the PICKLE result as the list of items", () => {
    const bytes = serializeResults([item], "PICKLE");
    expect(bytes.subarray(0, 3).toString("hex")).toBe("80025d");
    expect(bytes.includes(Buffer.from("task_id"))).toBe(true);
  });
});

describe("duration: a timedelta as pydantic v2 writes it (§0.1)", () => {
  it.each([
    [0, "PT0S"],
    [12_500, "PT12.5S"],
    [90_500, "PT1M30.5S"],
    [86_403_000, "P1DT3S"],
    [3_600_000, "PT1H"],
    [3_661_000.001, "PT1H1M1.000001S"],
    [400 * 86_400_000 + 59_000, "P1Y35DT59S"],
    [31 * 86_400_000, "P31D"],
    [1.5, "PT0.0015S"],
    [-5000, "-PT5S"],
  ])("%d ms → %s", (ms, expected) => {
    expect(isoDuration(ms)).toBe(expected);
  });
});
