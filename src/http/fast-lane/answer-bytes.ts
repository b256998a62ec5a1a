import { STATUS_CODES } from "node:http";
import type { Answer } from "../pipeline/request-scope.js";

/**
 * One lane answer as the bytes Node's server sends for hono's answer to the same request (status
 * line, Content-Type, the answer's fields, Date, Connection, Keep-Alive, Content-Length, in that
 * order), in one buffer so it leaves in one write.
 */
export class AnswerFormatter {
  private dateSecond = -1;
  private dateField = "";

  /** `now`: wall-clock time; the Date field is transport, as in Node's server, not the instance's clock. */
  constructor(private readonly now: () => number = Date.now) {}

  /** `keepAliveSeconds`: null closes the connection; 0 keeps it open with no stated timeout. */
  format(answer: Answer, keepAliveSeconds: number | null): Buffer {
    const bodySize = Buffer.byteLength(answer.body, "utf8");
    let head = `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? "Unknown"}\r\nContent-Type: application/json\r\n`;
    for (const [name, value] of Object.entries(answer.headers)) head += `${name}: ${value}\r\n`;
    head += `Date: ${this.date()}\r\n`;
    if (keepAliveSeconds === null) head += "Connection: close\r\n";
    else if (keepAliveSeconds === 0) head += "Connection: keep-alive\r\n";
    else head += `Connection: keep-alive\r\nKeep-Alive: timeout=${keepAliveSeconds}\r\n`;
    // Last, as Node's server writes the length it computed for `end(body)` (hono's answers).
    head += `Content-Length: ${bodySize}\r\n\r\n`;
    const bytes = Buffer.allocUnsafe(head.length + bodySize);
    const headSize = bytes.write(head, 0, "latin1");
    bytes.write(answer.body, headSize, "utf8");
    return bytes;
  }

  /** The IMF-fixdate, formatted once a second as Node's server does. */
  private date(): string {
    const now = this.now();
    const second = Math.floor(now / 1000);
    if (second !== this.dateSecond) {
      this.dateSecond = second;
      this.dateField = new Date(second * 1000).toUTCString();
    }
    return this.dateField;
  }
}
