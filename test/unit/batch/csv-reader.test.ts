import { describe, expect, it } from "vitest";
import { parseCsvRecords, readCsvDicts } from "../../../src/domain/batch/csv-reader.js";

/** Expected values were produced with Python's csv.reader / csv.DictReader (excel dialect). */
describe("csv reader: Python's csv module, excel dialect (§6.1 step 2)", () => {
  it("reads the official client's CRLF file", () => {
    expect(parseCsvRecords("id,url\r\n0,http://a/1.json\r\n1,http://a/2.json\r\n")).toEqual([
      ["id", "url"],
      ["0", "http://a/1.json"],
      ["1", "http://a/2.json"],
    ]);
  });

  it("accepts LF and CR line ends, and a last line without one", () => {
    expect(parseCsvRecords("a,b\nc,d\re,f")).toEqual([
      ["a", "b"],
      ["c", "d"],
      ["e", "f"],
    ]);
  });

  it("unquotes fields: doubled quotes, embedded commas and line ends, text after the closing quote", () => {
    expect(parseCsvRecords('a"b,"x""y"z,"q\r\nw","1,2"\r\n')).toEqual([['a"b', 'x"yz', "q\r\nw", "1,2"]]);
    expect(parseCsvRecords('a,"unterminated')).toEqual([["a", "unterminated"]]);
  });

  it("yields empty records for empty lines and empty fields for trailing commas", () => {
    expect(parseCsvRecords('x\r\n\r\n,\r\n""\r\n')).toEqual([["x"], [], ["", ""], [""]]);
    expect(parseCsvRecords("")).toEqual([]);
  });

  it("builds DictReader rows: header names, skipped empty lines, missing cells absent, extra cells dropped", () => {
    const rows = readCsvDicts("id,args\r\n0\r\n\r\n1,a,b,c\r\n");
    expect(rows.map((row) => Object.fromEntries(row))).toEqual([{ id: "0" }, { id: "1", args: "a" }]);
  });

  it("has no rows for an empty file or a header alone, and drops a UTF-8 BOM", () => {
    expect(readCsvDicts("")).toEqual([]);
    expect(readCsvDicts("id,args\r\n")).toEqual([]);
    expect(readCsvDicts("\ufeffid\r\n7\r\n").map((row) => row.get("id"))).toEqual(["7"]);
  });
});
