import { randomBytes, randomUUID } from "node:crypto";

/** Id generation is injected (STYLE.md §9) so tests can predict ids. */
export interface IdGenerator {
  /** `prefix` + XID: 20 chars of [0-9a-v], time-ordered (server-contract.md §0.5). */
  xid(prefix: string): string;
  /** A UUID4 string (async task ids, endpoint_creation_task_id). */
  uuid(): string;
}

const BASE32HEX = "0123456789abcdefghijklmnopqrstuv";

function encodeXid(bytes: Uint8Array): string {
  // 12 bytes = 96 bits → 20 base32hex chars (the last char carries 1 bit of padding), as rs/xid does.
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

export function createIdGenerator(now: () => number = Date.now): IdGenerator {
  const machine = randomBytes(3);
  const pid = process.pid & 0xffff;
  let counter = randomBytes(3).readUIntBE(0, 3);
  return {
    xid(prefix) {
      const bytes = new Uint8Array(12);
      const seconds = Math.floor(now() / 1000);
      bytes[0] = (seconds >>> 24) & 0xff;
      bytes[1] = (seconds >>> 16) & 0xff;
      bytes[2] = (seconds >>> 8) & 0xff;
      bytes[3] = seconds & 0xff;
      bytes.set(machine, 4);
      bytes[7] = (pid >>> 8) & 0xff;
      bytes[8] = pid & 0xff;
      counter = (counter + 1) & 0xffffff;
      bytes[9] = (counter >>> 16) & 0xff;
      bytes[10] = (counter >>> 8) & 0xff;
      bytes[11] = counter & 0xff;
      return prefix + encodeXid(bytes);
    },
    uuid: () => randomUUID(),
  };
}
