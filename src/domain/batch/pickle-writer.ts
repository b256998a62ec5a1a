/**
 * Python pickle (protocol 2) of a JSON-like value, for the PICKLE result format of v1 batch jobs
 * (server-contract.md §6.1 step 4): `pickle.loads` gives back lists, dicts, str, int, float, bool and
 * None. Written here rather than by a Python subprocess so finishing a job needs no interpreter.
 * No memo is used (every object is written once), which `pickle.loads` accepts.
 */

const PROTO = 0x80;
const STOP = 0x2e; // .
const NONE = 0x4e; // N
const NEWTRUE = 0x88;
const NEWFALSE = 0x89;
const BININT = 0x4a; // J: signed 32-bit little-endian
const BININT1 = 0x4b; // K: unsigned byte
const BININT2 = 0x4d; // M: unsigned 16-bit little-endian
const LONG1 = 0x8a; // length byte, then two's-complement little-endian bytes
const BINFLOAT = 0x47; // G: IEEE 754 double, big-endian
const BINUNICODE = 0x58; // X: 32-bit length, then UTF-8
const EMPTY_LIST = 0x5d; // ]
const EMPTY_DICT = 0x7d; // }
const MARK = 0x28; // (
const APPENDS = 0x65; // e
const SETITEMS = 0x75; // u

class ByteSink {
  private chunks: Buffer[] = [];
  private current = Buffer.alloc(64 * 1024);
  private used = 0;

  private room(size: number): void {
    if (this.used + size <= this.current.length) return;
    this.chunks.push(this.current.subarray(0, this.used));
    this.current = Buffer.alloc(Math.max(64 * 1024, size));
    this.used = 0;
  }

  byte(value: number): void {
    this.room(1);
    this.current[this.used++] = value;
  }

  bytes(data: Uint8Array): void {
    this.room(data.length);
    this.current.set(data, this.used);
    this.used += data.length;
  }

  uint32(value: number): void {
    this.room(4);
    this.current.writeUInt32LE(value, this.used);
    this.used += 4;
  }

  finish(): Buffer {
    return Buffer.concat([...this.chunks, this.current.subarray(0, this.used)]);
  }
}

/** Two's-complement little-endian bytes of `value`, as short as Python's `encode_long`. */
function longBytes(value: bigint): Uint8Array {
  const out: number[] = [];
  let rest = value;
  for (;;) {
    const byte = Number(rest & 0xffn);
    out.push(byte);
    rest >>= 8n;
    const signBitSet = (byte & 0x80) !== 0;
    if ((rest === 0n && !signBitSet) || (rest === -1n && signBitSet)) break;
  }
  return Uint8Array.from(out);
}

function writeInt(sink: ByteSink, value: number): void {
  if (value >= 0 && value < 0x100) {
    sink.byte(BININT1);
    sink.byte(value);
  } else if (value >= 0 && value < 0x10000) {
    sink.byte(BININT2);
    sink.byte(value & 0xff);
    sink.byte(value >> 8);
  } else if (value >= -0x80000000 && value <= 0x7fffffff) {
    sink.byte(BININT);
    sink.uint32(value >>> 0);
  } else {
    const bytes = longBytes(BigInt(value));
    sink.byte(LONG1);
    sink.byte(bytes.length);
    sink.bytes(bytes);
  }
}

function writeValue(sink: ByteSink, value: unknown): void {
  if (value === null || value === undefined) sink.byte(NONE);
  else if (value === true) sink.byte(NEWTRUE);
  else if (value === false) sink.byte(NEWFALSE);
  else if (typeof value === "number") {
    if (Number.isInteger(value)) writeInt(sink, value);
    else {
      const bytes = Buffer.alloc(8);
      bytes.writeDoubleBE(value);
      sink.byte(BINFLOAT);
      sink.bytes(bytes);
    }
  } else if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8");
    sink.byte(BINUNICODE);
    sink.uint32(bytes.length);
    sink.bytes(bytes);
  } else if (Array.isArray(value)) {
    sink.byte(EMPTY_LIST);
    if (value.length === 0) return;
    sink.byte(MARK);
    for (const item of value) writeValue(sink, item);
    sink.byte(APPENDS);
  } else if (typeof value === "object") {
    const entries = Object.entries(value);
    sink.byte(EMPTY_DICT);
    if (entries.length === 0) return;
    sink.byte(MARK);
    for (const [key, item] of entries) {
      writeValue(sink, key);
      writeValue(sink, item);
    }
    sink.byte(SETITEMS);
  } else {
    throw new TypeError(`cannot pickle a ${typeof value}`);
  }
}

/** `pickle.dumps(value, protocol=2)` for JSON-like data. */
export function pickleDumps(value: unknown): Buffer {
  const sink = new ByteSink();
  sink.byte(PROTO);
  sink.byte(2);
  writeValue(sink, value);
  sink.byte(STOP);
  return sink.finish();
}
