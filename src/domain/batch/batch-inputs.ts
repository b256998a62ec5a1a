/**
 * The input file of a v1 batch job (server-contract.md §6.1 step 2): a CSV with a header, read with
 * DictReader; columns `id` (reference id), `url` and `args` (base64 of a UTF-8 JSON document), each
 * optional. One async task per row, with `return_pickled` false.
 */
import type { PredictRequest } from "../task.js";
import { parseLossless, toPlain } from "../tasks/python-json.js";
import { readCsvDicts } from "./csv-reader.js";

export interface BatchInput {
  /** The row's `id` cell, kept as the string it is (the result lines carry it back). */
  referenceId: string | null;
  request: PredictRequest;
}

/** The input cannot be used; the job fails (§3.3: "unreadable input_path" → FAILURE). */
export class BatchInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BatchInputError";
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * `json.loads(base64.b64decode(cell).decode("utf-8"))`. Parsed with Python's JSON rules, so text
 * Python rejects is rejected here too.
 */
export function decodeArgsCell(cell: string, rowNumber: number): unknown {
  let text: string;
  try {
    text = utf8.decode(Buffer.from(cell, "base64"));
  } catch {
    throw new BatchInputError(`Row ${rowNumber}: args is not base64 of UTF-8 text`);
  }
  try {
    // JSON.parse gives the same plain value for any text both accept, and is much faster; only
    // Python's extras (NaN, Infinity) and errors need the Python-rules reader.
    return JSON.parse(text) as unknown;
  } catch {
    // fall through
  }
  try {
    return toPlain(parseLossless(text));
  } catch (error) {
    throw new BatchInputError(`Row ${rowNumber}: args is not base64 of a JSON document (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** EndpointPredictV1Request(url=…, args=…, return_pickled=False) for one row. */
function requestFor(url: string | null, args: unknown): PredictRequest {
  return {
    url,
    args,
    hasArgs: args !== null,
    cloudpickle: null,
    callbackUrl: null,
    callbackAuth: null,
    returnPickled: false,
    destinationPath: null,
    timeoutSeconds: null,
    numRetries: null,
  };
}

/**
 * Every row of the file, in order. An empty `url` or `args` cell counts as absent (the real server
 * would send `url=""` or fail the whole job on `json.loads("")`; README "Parity").
 */
export function decodeBatchInputs(bytes: Uint8Array): BatchInput[] {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new BatchInputError("The input file is not UTF-8 text");
  }
  return readCsvDicts(text).map((row, index) => {
    const url = row.get("url");
    const args = row.get("args");
    return {
      referenceId: row.get("id") ?? null,
      request: requestFor(url === undefined || url === "" ? null : url, args === undefined || args === "" ? null : decodeArgsCell(args, index + 1)),
    };
  });
}
