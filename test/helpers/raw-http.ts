/**
 * HTTP/1.1 spoken by hand over one TCP connection, for tests that must control every byte a client
 * sends (the fast lane's framing and hand-off) and see every byte of the answers.
 */
import { once } from "node:events";
import net from "node:net";

export interface RawAnswer {
  status: number;
  /** Status line and fields, without the blank line. */
  head: string;
  body: string;
}

/** Bodies of the answers in `text`, in order (each answer has a Content-Length). */
export function answers(text: string): RawAnswer[] {
  const out: RawAnswer[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) break;
    const head = rest.slice(0, end);
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? "0");
    out.push({ status: Number(head.slice(9, 12)), head, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

/** Opens a connection, sends `parts` one after another, and reads until `count` answers came or it closed. */
export async function exchange(port: number, parts: string[], count: number, options: { endAfter?: boolean } = {}) {
  const socket = net.connect(port, "127.0.0.1");
  let text = "";
  let isClosed = false;
  const done = new Promise<void>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (answers(text).length >= count) resolve();
    });
    socket.on("close", () => {
      isClosed = true;
      resolve();
    });
  });
  await once(socket, "connect");
  for (const part of parts) {
    // latin1: one byte per character, so a test writes exactly the bytes it spells out.
    socket.write(part, "latin1");
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (options.endAfter === true) socket.end();
  await done;
  return { answers: answers(text), socket, isClosed: () => isClosed };
}
