/**
 * Python's `csv.reader` with the default "excel" dialect (comma, `"` quotes, doubled quotes as
 * escapes, non-strict), and `csv.DictReader` on top (server-contract.md §6.1 step 2). The official
 * client writes CRLF line endings and minimal quoting (client-contract.md §6.5); anything Python
 * reads, this reads the same way:
 * - `\r\n`, `\n` and `\r` end a record outside quotes; inside quotes they are kept as they are;
 * - a quote inside an unquoted field is literal (`a"b`); text after a closing quote is appended
 *   (`"b"x` → `bx`), and an unterminated quoted field ends at the end of the input;
 * - an empty line is an empty record, which DictReader skips.
 */

type State = "record-start" | "field-start" | "unquoted" | "quoted" | "quote-in-quoted";

/** The records of `text`, as `csv.reader` yields them. */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let state: State = "record-start";

  const endField = (): void => {
    record.push(field);
    field = "";
  };
  const endRecord = (): void => {
    records.push(record);
    record = [];
  };

  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const isLineEnd = char === "\n" || char === "\r";
    // CRLF is one line end: the `\n` of a `\r\n` pair is skipped.
    const skipLf = (): void => {
      if (char === "\r" && text[i + 1] === "\n") i++;
    };
    switch (state) {
      case "record-start":
      case "field-start":
        if (isLineEnd) {
          if (state === "field-start") endField();
          endRecord();
          skipLf();
          state = "record-start";
        } else if (char === '"') state = "quoted";
        else if (char === ",") {
          endField();
          state = "field-start";
        } else {
          field += char;
          state = "unquoted";
        }
        break;
      case "unquoted":
        if (isLineEnd) {
          endField();
          endRecord();
          skipLf();
          state = "record-start";
        } else if (char === ",") {
          endField();
          state = "field-start";
        } else field += char;
        break;
      case "quoted":
        if (char === '"') state = "quote-in-quoted";
        else field += char;
        break;
      case "quote-in-quoted":
        if (char === '"') {
          field += '"';
          state = "quoted";
        } else if (char === ",") {
          endField();
          state = "field-start";
        } else if (isLineEnd) {
          endField();
          endRecord();
          skipLf();
          state = "record-start";
        } else {
          field += char;
          state = "unquoted";
        }
        break;
    }
  }
  if (state !== "record-start") {
    endField();
    endRecord();
  }
  return records;
}

/** One DictReader row: a missing cell is absent (Python: None); extra cells are ignored here. */
export type CsvRow = ReadonlyMap<string, string>;

/** `csv.DictReader(text)`: the first record names the columns; empty records are skipped. */
export function readCsvDicts(text: string): CsvRow[] {
  const records = parseCsvRecords(text.startsWith("\ufeff") ? text.slice(1) : text);
  const header = records[0];
  if (header === undefined) return [];
  const rows: CsvRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    if (record === undefined || record.length === 0) continue;
    const row = new Map<string, string>();
    header.forEach((name, column) => {
      const cell = record[column];
      // A repeated column name keeps the last cell, as a dict built from the pairs does.
      if (cell !== undefined) row.set(name, cell);
      else row.delete(name);
    });
    rows.push(row);
  }
  return rows;
}
