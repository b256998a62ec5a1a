/**
 * The input file of a v1 batch job (server-contract.md §6.1 step 2): a CSV with a header, read with
 * DictReader; columns `id` (reference id), `url` and `args` (base64 of a UTF-8 JSON document), each
 * optional. One async task per row, with `return_pickled` false.
 */
import type { PredictRequest } from "../task.js";
import { compactDumps, parseLossless, toPlain } from "../tasks/python-json.js";
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

/** A row's args: the plain value, and the JSON text with its number literals as written when needed. */
export interface DecodedArgs {
  value: unknown;
  /** Null when `JSON.stringify(value)` already is that text. */
  json: string | null;
}

/**
 * Text JSON.parse may not give back as written: a fraction, an exponent or a 16-digit run (a number
 * that may change), or a key such as "2" (JavaScript puts integer keys first; Python keeps the order).
 */
const MAY_CHANGE_IN_A_ROUND_TRIP = /\d[.eE]|\d{16}|"(?:0|[1-9]\d*)"\s*:/;

/**
 * `json.loads(base64.b64decode(cell).decode("utf-8"))`. Parsed with Python's JSON rules, so text
 * Python rejects is rejected here too; the compact text keeps literals such as `1.0`, which reach
 * the worker as the float Python would have (PredictRequest.argsJson).
 */
export function decodeArgsCell(cell: string, rowNumber: number): DecodedArgs {
  let text: string;
  try {
    text = utf8.decode(Buffer.from(cell, "base64"));
  } catch {
    throw new BatchInputError(`Row ${rowNumber}: args is not base64 of UTF-8 text`);
  }
  // Fast path: without any of those, the plain value re-serialises to the same text and needs no
  // literal kept (the common case).
  if (!MAY_CHANGE_IN_A_ROUND_TRIP.test(text)) {
    try {
      return { value: JSON.parse(text) as unknown, json: null };
    } catch {
      // Python's extras (NaN, Infinity) and its error messages: the reader below.
    }
  }
  try {
    const tree = parseLossless(text);
    return { value: toPlain(tree), json: compactDumps(tree) };
  } catch (error) {
    throw new BatchInputError(`Row ${rowNumber}: args is not base64 of a JSON document (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** EndpointPredictV1Request(url=…, args=…, return_pickled=False) for one row. */
function requestFor(url: string | null, args: DecodedArgs | null): PredictRequest {
  const request: PredictRequest = {
    url,
    args: args?.value ?? null,
    hasArgs: args !== null && args.value !== null,
    cloudpickle: null,
    callbackUrl: null,
    callbackAuth: null,
    returnPickled: false,
    destinationPath: null,
    timeoutSeconds: null,
    numRetries: null,
  };
  if (request.hasArgs && args !== null && args.json !== null) request.argsJson = args.json;
  return request;
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
