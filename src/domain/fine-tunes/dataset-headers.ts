/**
 * The training and validation files' header check (llm-contract.md §1.5 step 4;
 * `are_dataset_headers_valid`): the first record as `csv.DictReader` reads it, joined back with
 * commas; when that text is a JSON object the file is JSONL and its keys are the headers. One of
 * `prompt,response` or `input,output` must be there.
 */
import { parseCsvRecords } from "../batch/csv-reader.js";
import { badRequest } from "../errors.js";

export const REQUIRED_COLUMNS = [
  ["prompt", "response"],
  ["input", "output"],
] as const;

export type DatasetKind = "training" | "validation";

const REQUIRED_TEXT = "[['prompt', 'response'], ['input', 'output']]";

/** The headers `read_csv_headers` + the JSONL probe find; null for a file with no record at all. */
export function datasetHeaders(text: string): string[] | null {
  const first = parseCsvRecords(text)[0];
  if (first === undefined) return null;
  const joined = first.join(",");
  try {
    const parsed: unknown = JSON.parse(joined);
    // `object.keys()` needs a dict; anything else raises, which the real server answers with a 500.
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return Object.keys(parsed);
  } catch {
    // CSV: the fields are the headers.
  }
  return first;
}

/**
 * 400 with the real message when the headers are wrong. A file with no record makes the real
 * server fail on `",".join(None)` (a 500); here it is the same 400 as missing headers (README "Parity").
 */
export function validateDatasetHeaders(text: string, kind: DatasetKind): void {
  const headers = datasetHeaders(text) ?? [];
  const isValid = REQUIRED_COLUMNS.some((group) => group.every((column) => headers.includes(column)));
  if (!isValid) throw badRequest(`Required column headers (one subset of ${REQUIRED_TEXT}) not found in ${kind} dataset`);
}

export const cannotFindFile = (kind: DatasetKind) => badRequest(`Cannot find the ${kind} file. Verify the path and file name are correct.`);
