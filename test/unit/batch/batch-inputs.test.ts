import { describe, expect, it } from "vitest";
import { BatchInputError, decodeBatchInputs } from "../../../src/domain/batch/batch-inputs.js";

const decode = (text: string) => decodeBatchInputs(Buffer.from(text, "utf8"));

describe("batch inputs: one EndpointPredictV1Request per CSV row (§6.1 step 2, client-contract §6.5)", () => {
  it("decodes args as base64 of UTF-8 JSON (the client's own example row)", () => {
    const [row] = decode("id,args\r\n0,eyJ4IjogMiwgInkiOiAiaGVsbG8ifQ==\r\n");
    expect(row).toEqual({
      referenceId: "0",
      request: {
        url: null,
        args: { x: 2, y: "hello" },
        hasArgs: true,
        cloudpickle: null,
        callbackUrl: null,
        callbackAuth: null,
        returnPickled: false,
        destinationPath: null,
        timeoutSeconds: null,
        numRetries: null,
      },
    });
  });

  it("keeps non-ASCII text and floats, and reads what Python's json accepts", () => {
    const rows = decode("id,args\r\na,eyJzIjogImhcdTAwZTlsbG8gXHUyNjAzIiwgImYiOiAxLjUsICJuIjogbnVsbH0=\r\nb,TmFO\r\n");
    expect(rows[0]?.request.args).toEqual({ s: "héllo ☃", f: 1.5, n: null });
    expect(rows[0]?.request.argsJson).toBe('{"s":"héllo ☃","f":1.5,"n":null}');
    // Python accepts NaN; JSON (what the task row stores) cannot hold it, so it travels as null.
    expect(rows[1]?.request.args).toBeNull();
  });

  it("keeps number literals as written for the worker (1.0 stays a float)", () => {
    const [row] = decode(`id,args\r\n0,${Buffer.from('{"x": 1.0, "big": 123456789012345678901}').toString("base64")}\r\n`);
    expect(row?.request.argsJson).toBe('{"x":1.0,"big":123456789012345678901}');
  });

  it("keeps the keys in the order written, integer-like ones included (as Python's dict does)", () => {
    const [row] = decode(`id,args\r\n0,${Buffer.from('{"b": 1, "2": 0}').toString("base64")}\r\n`);
    expect(row?.request.argsJson).toBe('{"b":1,"2":0}');
  });

  it("reads url rows, and columns that are absent or empty as missing", () => {
    const rows = decode("id,url,args\r\n0,http://a/1.json,\r\n,,\r\n");
    expect(rows.map((row) => [row.referenceId, row.request.url, row.request.args, row.request.hasArgs])).toEqual([
      ["0", "http://a/1.json", null, false],
      ["", null, null, false],
    ]);
    expect(decode("url\r\nhttp://x\r\n")[0]?.referenceId).toBeNull();
  });

  it.each([
    ["args that are not JSON", "id,args\r\n0,bm90IGpzb24=\r\n", "Row 1: args is not base64 of a JSON document"],
    ["args that are not UTF-8", "id,args\r\n0,/w==\r\n", "Row 1: args is not base64 of UTF-8 text"],
  ])("rejects %s", (_what, text, message) => {
    expect(() => decode(text)).toThrow(BatchInputError);
    expect(() => decode(text)).toThrow(message);
  });

  it("rejects a file that is not UTF-8", () => {
    expect(() => decodeBatchInputs(Uint8Array.from([0x69, 0x64, 0x0a, 0xff]))).toThrow("The input file is not UTF-8 text");
  });
});
